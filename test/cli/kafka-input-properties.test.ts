// The Kafka input's client properties (security.protocol, sasl.*, ssl.*) from the config file's
// `properties`, a .properties file and --kafka-input-property: what wins, and each error and
// warning naming the property where it was given, never quoting a secret.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseKafkaInputOptions } from '../../src/cli/kafka-input-options.js'
import { ConfigError, UsageError } from '../../src/errors.js'
import { testCertificate } from '../helpers/tls.js'

const base = { 'kafka-input': 'h1:9092', topics: 'in', group: 'g' }
const PLAIN = 'org.apache.kafka.common.security.plain.PlainLoginModule'
const SCRAM = 'org.apache.kafka.common.security.scram.ScramLoginModule'

function file(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'krn-kin-props-')), name)
  writeFileSync(path, content)
  return path
}

/** Parses with `values` over `base`; the settings' security and the warnings. */
function parse(values: Record<string, unknown>) {
  const warnings: string[] = []
  const settings = parseKafkaInputOptions({ ...base, ...values }, (w) => warnings.push(w))
  return { security: settings?.security, warnings }
}

test('client properties from each place: a config file, a .properties file, the command line', () => {
  const { cert } = testCertificate()
  const config = file(
    'input.json',
    JSON.stringify({
      properties: {
        'security.protocol': 'SASL_SSL',
        'sasl.mechanism': 'PLAIN',
        'sasl.jaas.config': `${PLAIN} required username="cfg" password="cfg-secret";`,
        'ssl.truststore.type': 'PEM',
        'ssl.truststore.certificates': cert.replaceAll('\n', '\\n')
      }
    })
  )
  assert.deepEqual(parse({ 'kafka-input-config': config }), {
    security: {
      tls: { ca: cert, cert: undefined, key: undefined, verifyHostname: true },
      sasl: { mechanism: 'PLAIN', username: 'cfg', password: 'cfg-secret' }
    },
    warnings: []
  })
  const { certPath } = testCertificate()
  const properties = file(
    'consumer.properties',
    [
      '# as for kafka-console-consumer --consumer.config',
      'security.protocol=SASL_SSL',
      'sasl.mechanism=SCRAM-SHA-256',
      `sasl.jaas.config=${SCRAM} required \\`,
      '    username="file" password="file-secret";',
      'ssl.truststore.type=PEM',
      `ssl.truststore.location=${certPath}`,
      'ssl.endpoint.identification.algorithm='
    ].join('\n')
  )
  assert.deepEqual(parse({ 'kafka-input-properties': properties }), {
    security: {
      tls: { ca: cert, cert: undefined, key: undefined, verifyHostname: false },
      sasl: { mechanism: 'SCRAM-SHA-256', username: 'file', password: 'file-secret' }
    },
    warnings: []
  })
  assert.deepEqual(
    parse({
      'kafka-input-property': [
        'security.protocol=SASL_PLAINTEXT',
        'sasl.mechanism=SCRAM-SHA-512',
        // Only the first '=' separates: the value keeps its own.
        `sasl.jaas.config=${SCRAM} required username="cli" password="a=b";`
      ]
    }),
    {
      security: { tls: undefined, sasl: { mechanism: 'SCRAM-SHA-512', username: 'cli', password: 'a=b' } },
      warnings: []
    }
  )
})

test('client properties: the command line overrides the .properties file, which overrides the config file, key by key', () => {
  const config = file(
    'input.json',
    JSON.stringify({
      properties: {
        'security.protocol': 'SASL_PLAINTEXT',
        'sasl.mechanism': 'PLAIN',
        'sasl.jaas.config': `${PLAIN} required username="cfg" password="cfg-secret";`
      }
    })
  )
  const properties = file('c.properties', 'sasl.mechanism=SCRAM-SHA-256\n')
  const { security } = parse({
    'kafka-input-config': config,
    'kafka-input-properties': properties,
    'kafka-input-property': [`sasl.jaas.config=${SCRAM} required username="cli" password="cli-secret";`]
  })
  assert.deepEqual(security, {
    tls: undefined,
    sasl: { mechanism: 'SCRAM-SHA-256', username: 'cli', password: 'cli-secret' }
  })
  // PLAINTEXT, said explicitly: no TLS, no SASL, and the setting is there.
  assert.deepEqual(parse({ 'kafka-input-property': ['security.protocol=PLAINTEXT'] }).security, {
    tls: undefined,
    sasl: undefined
  })
})

test('client properties: an unknown one, and a known one the protocol does not use, are named in a warning and ignored', () => {
  const properties = file('c.properties', 'group.id=other\nmy.vault.password=S3CRET-unknown\n')
  const { security, warnings } = parse({
    'kafka-input-properties': properties,
    'kafka-input-property': ['sasl.mechanism=PLAIN']
  })
  assert.deepEqual(security, { tls: undefined, sasl: undefined })
  assert.deepEqual(warnings, [
    `--kafka-input-properties ${properties} line 1: group.id is not a property the Kafka input knows (it takes security.protocol, sasl.* and ssl.*); it is ignored; use --group instead`,
    `--kafka-input-properties ${properties} line 2: my.vault.password is not a property the Kafka input knows (it takes security.protocol, sasl.* and ssl.*); it is ignored`,
    '--kafka-input-property sasl.mechanism is not used with security.protocol PLAINTEXT; it is ignored'
  ])
})

test('client properties: each error names the property where it was given and never shows a secret', () => {
  const secret = 'S3CRET-never-shown'
  const jaasWithFlagTypo = `${PLAIN} requird username="u" password="${secret}";`
  const config = (properties: unknown): string => file('input.json', JSON.stringify({ properties }))
  const propertiesFile = (text: string): string => file('c.properties', text)
  const missing = join(mkdtempSync(join(tmpdir(), 'krn-kin-props-')), 'absent.properties')
  const cases: [Record<string, unknown>, 'usage' | 'config', string][] = [
    [
      { 'kafka-input-property': ['security.protocol=SASL_PLAINTEXT', 'sasl.mechanism=MD5'] },
      'usage',
      '--kafka-input-property sasl.mechanism must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (got "MD5")'
    ],
    [
      {
        'kafka-input-property': [
          'security.protocol=SASL_PLAINTEXT',
          'sasl.mechanism=PLAIN',
          `sasl.jaas.config=${jaasWithFlagTypo}`
        ]
      },
      'usage',
      `--kafka-input-property sasl.jaas.config must look like '<LoginModule class> required username="..." password="...";' (got [hidden])`
    ],
    [
      { 'kafka-input-property': [`sasl.password${secret}`] },
      'usage',
      '--kafka-input-property must be KEY=VALUE with a non-empty KEY'
    ],
    [
      { 'kafka-input-properties': propertiesFile('security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\n') },
      'config',
      '--kafka-input-properties %s: sasl.jaas.config must give username="..." and password="..." for PLAIN (or set sasl.username and sasl.password)'
    ],
    [
      {
        'kafka-input-properties': propertiesFile(
          `security.protocol=SSL\nssl.keystore.type=PEM\nssl.keystore.key=${secret}\nssl.key.password=${secret}\n`
        )
      },
      'config',
      '--kafka-input-properties %s line 4: ssl.key.password is not supported: give the key as an unencrypted PEM key'
    ],
    [
      {
        'kafka-input-properties': propertiesFile(
          'security.protocol=SSL\nssl.truststore.location=/etc/kafka/truststore.jks\n'
        )
      },
      'config',
      '--kafka-input-properties %s line 2: ssl.truststore.location points to a JKS store, which this node cannot read; give PEM text in ssl.truststore.certificates (with ssl.truststore.type=PEM) instead'
    ],
    [
      { 'kafka-input-properties': missing },
      'config',
      `--kafka-input-properties ${missing} cannot be read: ENOENT: no such file or directory, open '${missing}'`
    ],
    [{ 'kafka-input-properties': '' }, 'usage', '--kafka-input-properties must name a file'],
    [
      { 'kafka-input-config': config({ 'security.protocol': 'TLS' }) },
      'config',
      '--kafka-input-config %s: properties.security.protocol must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL (got "TLS")'
    ],
    [
      {
        'kafka-input-config': config({
          'security.protocol': 'SASL_SSL',
          'sasl.mechanism': 'SCRAM-SHA-512',
          'sasl.jaas.config': `${PLAIN} required username="u" password="${secret}";`
        })
      },
      'config',
      '--kafka-input-config %s: properties.sasl.jaas.config uses org.apache.kafka.common.security.plain.PlainLoginModule, but sasl.mechanism SCRAM-SHA-512 needs org.apache.kafka.common.security.scram.ScramLoginModule'
    ],
    [
      { 'kafka-input-config': config({ 'ssl.key.password': 5 }) },
      'config',
      '--kafka-input-config %s: properties.ssl.key.password must be a string (got a number)'
    ],
    [
      { 'kafka-input-config': config(['security.protocol=SSL']) },
      'config',
      '--kafka-input-config %s: properties must be an object of Java consumer properties ("key": "value")'
    ]
  ]
  for (const [values, kind, message] of cases) {
    const path = (values['kafka-input-properties'] ?? values['kafka-input-config']) as string
    assert.throws(
      () => parseKafkaInputOptions({ ...base, ...values }, () => {}),
      (error: unknown) => {
        assert.ok(error instanceof (kind === 'usage' ? UsageError : ConfigError), String(error))
        assert.equal(error.message, message.replace('%s', path))
        assert.ok(!`${error.message}\n${error.stack ?? ''}`.includes(secret), error.message)
        return true
      }
    )
  }
})

test('--kafka-input-property and --kafka-input-properties need --kafka-input', () => {
  assert.throws(() => parseKafkaInputOptions({ 'kafka-input-property': ['security.protocol=SSL'] }), {
    message: '--kafka-input-property needs --kafka-input BOOTSTRAP'
  })
  assert.throws(() => parseKafkaInputOptions({ 'kafka-input-properties': 'c.properties' }), {
    message: '--kafka-input-properties needs --kafka-input BOOTSTRAP'
  })
})
