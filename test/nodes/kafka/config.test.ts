import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError } from '../../../src/errors.js'
import { Acks, parseKafkaNodeConfig } from '../../../src/nodes/kafka/config.js'
import { parseJaasConfig } from '../../../src/kafka/jaas.js'
import { KNOWN_PROPERTIES, type ProducerSettings } from '../../../src/kafka/producer/producer-properties.js'
import { makeMsg } from '../../helpers/messages.js'
import { testCertificate } from '../../helpers/tls.js'

// A TbKafkaNode configuration as ThingsBoard exports it (configuration version 0, with serializers).
const THINGSBOARD_EXPORT = {
  topicPattern: 'my-topic',
  keyPattern: null,
  bootstrapServers: 'localhost:9092',
  retries: 0,
  batchSize: 16384,
  linger: 0,
  bufferMemory: 33554432,
  acks: '-1',
  keySerializer: 'org.apache.kafka.common.serialization.StringSerializer',
  valueSerializer: 'org.apache.kafka.common.serialization.StringSerializer',
  otherProperties: {},
  addMetadataKeyValuesAsKafkaHeaders: false,
  kafkaHeadersCharset: 'UTF-8'
}

function parse(raw: unknown): { config: ReturnType<typeof parseKafkaNodeConfig>; warnings: string[] } {
  const warnings: string[] = []
  return { config: parseKafkaNodeConfig(raw, (w) => warnings.push(w)), warnings }
}

test('the default configuration has ThingsBoard defaults and the Java producer defaults', () => {
  const { config, warnings } = parse({})
  assert.deepEqual(warnings, [])
  assert.equal(config.topic.resolve(makeMsg()), 'my-topic')
  assert.equal(config.key, undefined)
  assert.equal(config.headers, undefined)
  assert.deepEqual(config.producer, {
    bootstrapServers: ['localhost:9092'],
    clientId: 'kafka-rule-node',
    acks: Acks.All,
    retries: 0,
    retryBackoffMs: 100,
    batchSizeBytes: 16384,
    lingerMs: 0,
    bufferMemoryBytes: 33554432,
    maxRequestSizeBytes: 1048576,
    requestTimeoutMs: 30000,
    deliveryTimeoutMs: 120000,
    maxBlockMs: 60000,
    metadataMaxAgeMs: 300000,
    maxInFlight: 5,
    idempotent: false,
    compression: 'none',
    tls: undefined,
    sasl: undefined
  })
})

test('a configuration exported from ThingsBoard loads unchanged, serializers dropped without a warning', () => {
  const { config, warnings } = parse(THINGSBOARD_EXPORT)
  assert.deepEqual(warnings, [])
  assert.equal(config.producer.acks, Acks.All)
  assert.equal(config.key, undefined)
})

test('otherProperties override the fields and translate Java names', () => {
  const { config, warnings } = parse({
    ...THINGSBOARD_EXPORT,
    acks: '1',
    linger: 5,
    otherProperties: {
      acks: 'all',
      'linger.ms': '20',
      'batch.size': '65536',
      retries: '3',
      'enable.idempotence': 'true',
      'compression.type': 'gzip',
      'max.in.flight.requests.per.connection': '2',
      'delivery.timeout.ms': '60000',
      'request.timeout.ms': '5000',
      'client.id': 'edge-1',
      'some.unknown.property': 'x'
    }
  })
  const p = config.producer
  assert.deepEqual(
    [
      p.acks,
      p.lingerMs,
      p.batchSizeBytes,
      p.retries,
      p.idempotent,
      p.compression,
      p.maxInFlight,
      p.deliveryTimeoutMs,
      p.requestTimeoutMs,
      p.clientId
    ],
    [Acks.All, 20, 65536, 3, true, 'gzip', 2, 60000, 5000, 'edge-1']
  )
  assert.deepEqual(warnings, [
    'otherProperties.some.unknown.property is not a producer property this node knows; it is ignored'
  ])
})

test('SASL from sasl.jaas.config (PLAIN and SCRAM) or from sasl.username and sasl.password; PEM with \\n escapes', () => {
  const { cert } = testCertificate()
  const pem = cert.replaceAll('\n', '\\n')
  const plain = parse({
    otherProperties: {
      'security.protocol': 'SASL_SSL',
      'sasl.mechanism': 'PLAIN',
      'sasl.jaas.config':
        'org.apache.kafka.common.security.plain.PlainLoginModule required username="K" password="S\\"x";',
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.certificates': pem
    }
  }).config.producer
  assert.deepEqual(plain.sasl, { mechanism: 'PLAIN', username: 'K', password: 'S"x' })
  assert.deepEqual(plain.tls, {
    ca: cert,
    cert: undefined,
    key: undefined,
    verifyHostname: true
  })
  const scram = parse({
    otherProperties: {
      'security.protocol': 'SASL_PLAINTEXT',
      'sasl.mechanism': 'SCRAM-SHA-256',
      'sasl.username': 'u',
      'sasl.password': 'p'
    }
  }).config.producer
  assert.deepEqual(
    [scram.sasl, scram.tls],
    [{ mechanism: 'SCRAM-SHA-256', username: 'u', password: 'p' }, undefined]
  )
})

const BAD: { name: string; config: unknown; error: RegExp }[] = [
  { name: 'acks 2', config: { acks: '2' }, error: /^acks must be one of -1, all, 0, 1 \(got "2"\)$/ },
  {
    name: 'negative linger',
    config: { linger: -1 },
    error: /^linger must be an integer between 0 and 2147483647 \(got -1\)$/
  },
  {
    name: 'batchSize text',
    config: { batchSize: 'big' },
    error: /^batchSize must be an integer between 0 and 2147483647 \(got "big"\)$/
  },
  { name: 'empty topic', config: { topicPattern: ' ' }, error: /^topicPattern must not be empty$/ },
  {
    name: 'bad bootstrap',
    config: { bootstrapServers: 'localhost' },
    error: /^bootstrapServers must be a comma-separated list of host:port \(got "localhost"\)$/
  },
  {
    name: 'unknown charset',
    config: { kafkaHeadersCharset: 'EBCDIC-42' },
    error: /^kafkaHeadersCharset must be one of UTF-8, .* \(got "EBCDIC-42"\)$/
  },
  {
    name: 'otherProperties not an object',
    config: { otherProperties: 'x' },
    error: /^otherProperties must be an object of strings/
  },
  {
    name: 'GSSAPI',
    config: { otherProperties: { 'security.protocol': 'SASL_SSL' } },
    error: /^otherProperties\.sasl\.mechanism GSSAPI \(Kerberos, the Java default\) is not supported/
  },
  {
    name: 'OAUTHBEARER',
    config: { otherProperties: { 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'OAUTHBEARER' } },
    error: /^otherProperties\.sasl\.mechanism OAUTHBEARER is not supported/
  },
  {
    name: 'JKS trust store',
    config: {
      otherProperties: { 'security.protocol': 'SSL', 'ssl.truststore.location': '/etc/kafka/truststore.jks' }
    },
    error: /^otherProperties\.ssl\.truststore\.location points to a JKS store, which this node cannot read/
  },
  {
    name: 'bad security protocol',
    config: { otherProperties: { 'security.protocol': 'TLS' } },
    error:
      /^otherProperties\.security\.protocol must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL \(got "TLS"\)$/
  },
  {
    name: 'jaas module mismatch',
    config: {
      otherProperties: {
        'security.protocol': 'SASL_SSL',
        'sasl.mechanism': 'SCRAM-SHA-512',
        'sasl.jaas.config':
          'org.apache.kafka.common.security.plain.PlainLoginModule required username="a" password="b";'
      }
    },
    error:
      /^otherProperties\.sasl\.jaas\.config uses .*PlainLoginModule, but sasl\.mechanism SCRAM-SHA-512 needs/
  },
  {
    name: 'unknown compression',
    config: { otherProperties: { 'compression.type': 'brotli' } },
    error:
      /^otherProperties\.compression\.type must be one of none, gzip, snappy, lz4, zstd \(got "brotli"\)$/
  },
  {
    name: 'custom partitioner',
    config: { otherProperties: { 'partitioner.class': 'com.acme.MyPartitioner' } },
    error: /^otherProperties\.partitioner\.class "com\.acme\.MyPartitioner" is not supported/
  },
  {
    name: 'delivery timeout too short',
    config: { otherProperties: { 'delivery.timeout.ms': '1000' } },
    error:
      /^otherProperties\.delivery\.timeout\.ms must be at least linger\.ms \+ request\.timeout\.ms = 30000 \(got 1000\)$/
  }
]

for (const row of BAD) {
  test(`rejects a configuration with ${row.name}, naming the field`, () => {
    assert.throws(
      () => parse(row.config),
      (error: unknown) => error instanceof ConfigError && row.error.test(error.message)
    )
  })
}

// Java's int properties (and ThingsBoard's int fields): beyond 2^31-1 the Java producer fails to
// start ("Not a number of type INT"); a port must be 1-65535, or the connection throws a RangeError.
const OUT_OF_RANGE: { name: string; config: unknown; error: string }[] = [
  {
    name: 'a port above 65535',
    config: { bootstrapServers: 'a:9092, h:99999' },
    error: 'bootstrapServers has port 99999 in "h:99999"; a port must be between 1 and 65535'
  },
  {
    name: 'port 0',
    config: { bootstrapServers: 'h:0' },
    error: 'bootstrapServers has port 0 in "h:0"; a port must be between 1 and 65535'
  },
  {
    name: 'batchSize above 2^31-1',
    config: { batchSize: 2147483648 },
    error: 'batchSize must be an integer between 0 and 2147483647 (got 2147483648)'
  },
  {
    name: 'retries above 2^31-1',
    config: { retries: '2147483648' },
    error: 'retries must be an integer between 0 and 2147483647 (got "2147483648")'
  },
  {
    name: 'linger above 2^31-1',
    config: { linger: 2 ** 40 },
    error: 'linger must be an integer between 0 and 2147483647 (got 1099511627776)'
  },
  {
    name: 'bufferMemory above 2^31-1',
    config: { bufferMemory: 2 ** 31 },
    error: 'bufferMemory must be an integer between 1 and 2147483647 (got 2147483648)'
  },
  {
    name: 'otherProperties.batch.size above 2^31-1',
    config: { otherProperties: { 'batch.size': '2147483648' } },
    error: 'otherProperties.batch.size must be an integer between 0 and 2147483647 (got "2147483648")'
  },
  {
    name: 'otherProperties.linger.ms beyond a Node.js timer',
    config: { otherProperties: { 'linger.ms': '3000000000' } },
    error: 'otherProperties.linger.ms must be an integer between 0 and 2147483647 (got "3000000000")'
  }
]

for (const row of OUT_OF_RANGE) {
  test(`rejects ${row.name} with a ConfigError naming the field and the value`, () => {
    assert.throws(
      () => parse(row.config),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError, String(error))
        assert.equal(error.message, row.error)
        return true
      }
    )
  })
}

test('the integer fields take 2^31-1, the largest Java int; an unset delivery.timeout.ms grows to linger.ms + request.timeout.ms', () => {
  const { config, warnings } = parse({
    batchSize: 2147483647,
    retries: 2147483647,
    linger: 2147483647,
    bufferMemory: 2147483647
  })
  const p = config.producer
  assert.deepEqual(
    [p.batchSizeBytes, p.retries, p.lingerMs, p.bufferMemoryBytes, p.deliveryTimeoutMs],
    [2147483647, 2147483647, 2147483647, 2147483647, 2147483647]
  )
  assert.deepEqual(warnings, [
    'otherProperties.delivery.timeout.ms is not set and its default 120000 is less than linger.ms + request.timeout.ms; it is set to 2147483647, as the Java producer does'
  ])
})

// ProducerConfig.postProcessAndValidateIdempotenceConfigs (kafka-clients 3.x): enable.idempotence
// defaults to true; when it is not set and retries is 0, acks is not all or more than 5 requests may
// be in flight, idempotence is turned off (logged, at warn only for the last); when it is set to
// true, the same conflicts are a ConfigException, checked in that order.
const IDEMPOTENCE: {
  name: string
  config: Record<string, unknown>
  idempotent?: boolean
  warnings?: string[]
  error?: string
}[] = [
  { name: 'ThingsBoard defaults (retries 0)', config: {}, idempotent: false },
  { name: 'retries 5, acks -1', config: { retries: 5, acks: '-1' }, idempotent: true },
  { name: 'retries 5, acks all', config: { retries: 5, acks: 'all' }, idempotent: true },
  { name: 'retries from otherProperties', config: { otherProperties: { retries: '2' } }, idempotent: true },
  { name: 'retries 5, acks 1', config: { retries: 5, acks: '1' }, idempotent: false },
  { name: 'retries 5, acks 0', config: { retries: 5, acks: '0' }, idempotent: false },
  {
    name: 'retries 5, 6 in flight',
    config: { retries: 5, otherProperties: { 'max.in.flight.requests.per.connection': '6' } },
    idempotent: false,
    warnings: [
      'idempotence is disabled because max.in.flight.requests.per.connection is 6, more than 5 (enable.idempotence is not set; the Java producer does the same)'
    ]
  },
  {
    name: 'retries 5, 5 in flight',
    config: { retries: 5, otherProperties: { 'max.in.flight.requests.per.connection': '5' } },
    idempotent: true
  },
  {
    name: 'explicit false',
    config: { retries: 5, otherProperties: { 'enable.idempotence': 'false' } },
    idempotent: false
  },
  {
    name: 'explicit true, retries 0',
    config: { otherProperties: { 'enable.idempotence': 'true' } },
    error:
      'otherProperties.enable.idempotence is true, but: Must set retries to non-zero when using the idempotent producer.'
  },
  {
    name: 'explicit true, acks 1',
    config: { retries: 1, acks: '1', otherProperties: { 'enable.idempotence': 'true' } },
    error:
      'otherProperties.enable.idempotence is true, but: Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.'
  },
  {
    name: 'explicit true, acks 0 from otherProperties',
    config: { retries: 1, otherProperties: { 'enable.idempotence': 'true', acks: '0' } },
    error:
      'otherProperties.enable.idempotence is true, but: Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.'
  },
  {
    name: 'explicit true, 6 in flight',
    config: {
      retries: 1,
      otherProperties: { 'enable.idempotence': 'true', 'max.in.flight.requests.per.connection': '6' }
    },
    error:
      'otherProperties.enable.idempotence is true, but: Must set max.in.flight.requests.per.connection to at most 5 to use the idempotent producer.'
  },
  {
    name: 'explicit true, retries 0 and acks 1: retries is named first, as Java checks it first',
    config: { acks: '1', otherProperties: { 'enable.idempotence': 'true' } },
    error:
      'otherProperties.enable.idempotence is true, but: Must set retries to non-zero when using the idempotent producer.'
  }
]

for (const row of IDEMPOTENCE) {
  test(`idempotence as the Java producer decides it: ${row.name}`, () => {
    if (row.error !== undefined) {
      assert.throws(
        () => parse(row.config),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError, String(error))
          assert.equal(error.message, row.error)
          return true
        }
      )
      return
    }
    const { config, warnings } = parse(row.config)
    assert.equal(config.producer.idempotent, row.idempotent)
    assert.deepEqual(warnings, row.warnings ?? [])
  })
}

// Every property the node knows takes effect or is refused by name: one row per property (and per
// way it can be refused), checked against the parsed settings or the exact error.
const TLS_NONE = { ca: undefined, cert: undefined, key: undefined, verifyHostname: true }
const { cert: PEM, key: KEY } = testCertificate()
// As a ThingsBoard export stores PEM text: newlines written as \n.
const PEM_TEXT = PEM.replaceAll('\n', '\\n')
const KEY_TEXT = KEY.replaceAll('\n', '\\n')
const PEM_FILE = join(mkdtempSync(join(tmpdir(), 'krn-config-')), 'ca.pem')
writeFileSync(PEM_FILE, PEM)
const SSL = { 'security.protocol': 'SSL' }
const SASL = { 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN' }
const PROPERTY_TABLE: {
  property: string
  value: string
  with?: Record<string, string>
  settings?: Partial<ProducerSettings>
  warnings?: string[]
  error?: string
}[] = [
  {
    property: 'bootstrap.servers',
    value: 'k1:9093, k2:9094',
    settings: { bootstrapServers: ['k1:9093', 'k2:9094'] }
  },
  {
    property: 'bootstrap.servers',
    value: 'k1:70000',
    error:
      'otherProperties.bootstrap.servers has port 70000 in "k1:70000"; a port must be between 1 and 65535'
  },
  {
    property: 'bootstrap.servers',
    value: 'k1',
    error: 'otherProperties.bootstrap.servers must be a comma-separated list of host:port (got "k1")'
  },
  { property: 'acks', value: '1', settings: { acks: Acks.Leader } },
  { property: 'acks', value: 'all', settings: { acks: Acks.All } },
  { property: 'acks', value: '2', error: 'otherProperties.acks must be one of -1, all, 0, 1 (got "2")' },
  { property: 'retries', value: '7', settings: { retries: 7, idempotent: true } },
  { property: 'batch.size', value: '100', settings: { batchSizeBytes: 100 } },
  { property: 'linger.ms', value: '7', settings: { lingerMs: 7 } },
  { property: 'buffer.memory', value: '4294967296', settings: { bufferMemoryBytes: 4294967296 } },
  { property: 'security.protocol', value: 'ssl', settings: { tls: TLS_NONE, sasl: undefined } },
  {
    property: 'sasl.mechanism',
    value: 'SCRAM-SHA-512',
    with: { 'security.protocol': 'SASL_PLAINTEXT', 'sasl.username': 'u', 'sasl.password': 'p' },
    settings: { sasl: { mechanism: 'SCRAM-SHA-512', username: 'u', password: 'p' }, tls: undefined }
  },
  {
    property: 'sasl.jaas.config',
    value: 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";',
    with: SASL,
    settings: { sasl: { mechanism: 'PLAIN', username: 'u', password: 'p' } }
  },
  {
    property: 'sasl.username',
    value: 'u',
    with: { ...SASL, 'sasl.password': 'p' },
    settings: { sasl: { mechanism: 'PLAIN', username: 'u', password: 'p' } }
  },
  {
    property: 'sasl.password',
    value: 'p',
    with: { ...SASL, 'sasl.username': 'u' },
    settings: { sasl: { mechanism: 'PLAIN', username: 'u', password: 'p' } }
  },
  {
    property: 'ssl.endpoint.identification.algorithm',
    value: '',
    with: SSL,
    settings: { tls: { ...TLS_NONE, verifyHostname: false } }
  },
  {
    property: 'ssl.endpoint.identification.algorithm',
    value: 'ldap',
    with: SSL,
    error: 'otherProperties.ssl.endpoint.identification.algorithm must be "https" or "" (got "ldap")'
  },
  {
    property: 'ssl.truststore.type',
    value: 'JKS',
    with: { ...SSL, 'ssl.truststore.certificates': PEM_TEXT },
    error:
      'otherProperties.ssl.truststore.certificates needs ssl.truststore.type PEM (got "JKS"), as the Java producer does'
  },
  {
    property: 'ssl.truststore.certificates',
    value: PEM_TEXT,
    with: { ...SSL, 'ssl.truststore.type': 'PEM' },
    settings: { tls: { ...TLS_NONE, ca: PEM } }
  },
  {
    property: 'ssl.truststore.location',
    value: PEM_FILE,
    with: { ...SSL, 'ssl.truststore.type': 'PEM' },
    settings: { tls: { ...TLS_NONE, ca: PEM } }
  },
  {
    property: 'ssl.keystore.type',
    value: 'PKCS12',
    with: { ...SSL, 'ssl.keystore.location': PEM_FILE },
    error: `otherProperties.ssl.keystore.location points to a PKCS12 store, which this node cannot read; give PEM text in ssl.keystore.certificate.chain (with ssl.keystore.type=PEM) instead`
  },
  {
    property: 'ssl.keystore.certificate.chain',
    value: PEM_TEXT,
    with: { ...SSL, 'ssl.keystore.type': 'PEM', 'ssl.keystore.key': KEY_TEXT },
    settings: { tls: { ...TLS_NONE, cert: PEM, key: KEY } }
  },
  {
    property: 'ssl.keystore.key',
    value: KEY_TEXT,
    with: { ...SSL, 'ssl.keystore.type': 'PEM', 'ssl.keystore.certificate.chain': PEM_TEXT },
    settings: { tls: { ...TLS_NONE, cert: PEM, key: KEY } }
  },
  {
    property: 'ssl.keystore.location',
    value: PEM_FILE,
    with: { ...SSL, 'ssl.keystore.type': 'PEM' },
    settings: { tls: { ...TLS_NONE, cert: PEM } }
  },
  {
    property: 'ssl.truststore.password',
    value: 'changeit',
    with: { ...SSL, 'ssl.truststore.type': 'PEM', 'ssl.truststore.certificates': PEM_TEXT },
    error:
      'otherProperties.ssl.truststore.password is not supported: PEM stores take no password (the Java producer refuses it for PEM too)'
  },
  {
    property: 'ssl.keystore.password',
    value: 'changeit',
    with: { ...SSL, 'ssl.keystore.type': 'PEM', 'ssl.keystore.location': PEM_FILE },
    error:
      'otherProperties.ssl.keystore.password is not supported: PEM stores take no password (the Java producer refuses it for PEM too)'
  },
  {
    property: 'ssl.key.password',
    value: 'changeit',
    with: { ...SSL, 'ssl.keystore.type': 'PEM', 'ssl.keystore.location': PEM_FILE },
    error: 'otherProperties.ssl.key.password is not supported: give the key as an unencrypted PEM key'
  },
  { property: 'compression.type', value: 'lz4', settings: { compression: 'lz4' } },
  {
    property: 'enable.idempotence',
    value: 'false',
    with: { retries: '3' },
    settings: { idempotent: false, retries: 3 }
  },
  {
    property: 'enable.idempotence',
    value: 'yes',
    error: 'otherProperties.enable.idempotence must be true or false (got "yes")'
  },
  { property: 'max.in.flight.requests.per.connection', value: '3', settings: { maxInFlight: 3 } },
  { property: 'request.timeout.ms', value: '5000', settings: { requestTimeoutMs: 5000 } },
  { property: 'delivery.timeout.ms', value: '60000', settings: { deliveryTimeoutMs: 60000 } },
  { property: 'max.block.ms', value: '1000', settings: { maxBlockMs: 1000 } },
  { property: 'metadata.max.age.ms', value: '1000', settings: { metadataMaxAgeMs: 1000 } },
  { property: 'retry.backoff.ms', value: '50', settings: { retryBackoffMs: 50 } },
  { property: 'client.id', value: 'edge-7', settings: { clientId: 'edge-7' } },
  { property: 'max.request.size', value: '2000', settings: { maxRequestSizeBytes: 2000 } },
  {
    property: 'partitioner.class',
    value: 'org.apache.kafka.clients.producer.internals.DefaultPartitioner',
    settings: {}
  },
  {
    property: 'partitioner.class',
    value: 'com.acme.P',
    error:
      'otherProperties.partitioner.class "com.acme.P" is not supported; the node partitions as the Java default (murmur2 of the key)'
  },
  // Node.js connects to every address a name resolves to (happy eyeballs): Java's use_all_dns_ips.
  { property: 'client.dns.lookup', value: 'use_all_dns_ips', settings: {} },
  {
    property: 'client.dns.lookup',
    value: 'resolve_canonical_bootstrap_servers_only',
    error:
      'otherProperties.client.dns.lookup resolve_canonical_bootstrap_servers_only is not supported; the node connects to every address of a name (use_all_dns_ips)'
  },
  {
    property: 'client.dns.lookup',
    value: 'default',
    error:
      'otherProperties.client.dns.lookup must be use_all_dns_ips or resolve_canonical_bootstrap_servers_only (got "default")'
  },
  {
    property: 'key.serializer',
    value: 'org.apache.kafka.common.serialization.StringSerializer',
    settings: {}
  },
  {
    property: 'value.serializer',
    value: 'com.acme.Avro',
    error:
      'otherProperties.value.serializer must be org.apache.kafka.common.serialization.StringSerializer: records are sent as UTF-8 strings (got "com.acme.Avro")'
  },
  // A consumer property: the Java producer logs it as "supplied but isn't a known config".
  {
    property: 'session.timeout.ms',
    value: '10000',
    settings: {},
    warnings: ['otherProperties.session.timeout.ms is not a producer property this node knows; it is ignored']
  }
]

for (const row of PROPERTY_TABLE) {
  test(`otherProperties.${row.property} = ${JSON.stringify(row.value.slice(0, 40))}: ${row.error === undefined ? 'takes effect' : 'refused by name'}`, () => {
    const config = { otherProperties: { ...row.with, [row.property]: row.value } }
    if (row.error !== undefined) {
      assert.throws(
        () => parse(config),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError, String(error))
          assert.equal(error.message, row.error)
          return true
        }
      )
      return
    }
    const { config: parsed, warnings } = parse(config)
    const settings = row.settings ?? {}
    const names = Object.keys(settings) as (keyof ProducerSettings)[]
    if (names.length === 0) assert.deepEqual(parsed.producer, parse({}).config.producer)
    assert.deepEqual(Object.fromEntries(names.map((name) => [name, parsed.producer[name]])), settings)
    assert.deepEqual(warnings, row.warnings ?? [])
  })
}

test('the property table covers every property the node knows', () => {
  const covered = new Set(PROPERTY_TABLE.map((row) => row.property))
  assert.deepEqual(
    [...KNOWN_PROPERTIES].filter((name) => !covered.has(name)),
    []
  )
})

test('JAAS options in double quotes, single quotes or bare, with escapes', () => {
  assert.deepEqual(
    parseJaasConfig(
      `org.apache.kafka.common.security.scram.ScramLoginModule required username='bob' password="p\\"w;d" tokenauth=true;`
    ),
    {
      module: 'org.apache.kafka.common.security.scram.ScramLoginModule',
      options: { username: 'bob', password: 'p"w;d', tokenauth: 'true' }
    }
  )
  assert.throws(() => parseJaasConfig('username="x"'), /sasl\.jaas\.config must look like/)
})

test("the README's configuration table is the one the declaration generates", async () => {
  const { readFile } = await import('node:fs/promises')
  const { configTableMarkdown } = await import('../../../src/engine/config-spec.js')
  const { kafkaNodeConfigSpec } = await import('../../../src/nodes/kafka/config.js')
  const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8')
  assert.ok(readme.includes(configTableMarkdown(kafkaNodeConfigSpec)), 'regenerate the table in README.md')
})
