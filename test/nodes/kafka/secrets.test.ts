import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadChain, type ChainExit } from '../../../src/engine/chain.js'
import type { Logger } from '../../../src/engine/logger.js'
import { createDefaultRegistry } from '../../../src/nodes/index.js'
import { startTestBroker, uniqueTopic } from '../../helpers/broker.js'
import { runCli } from '../../helpers/cli.js'
import { makeMsg } from '../../helpers/messages.js'
import { chainExport } from '../../helpers/test-nodes.js'

// No error, warning, log line, metadata value or CLI output may carry a password, key or token:
// Kafka prints such values (its Password type) as "[hidden]". Each scenario plants a secret that
// appears nowhere else, runs the configuration in process and through the CLI, and greps it all.
const SASL_PLAIN = { 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN' }
const PLAIN_MODULE = 'org.apache.kafka.common.security.plain.PlainLoginModule'
const SSL_PEM = { 'security.protocol': 'SSL', 'ssl.keystore.type': 'PEM' }

const SCENARIOS: { name: string; secret: string; properties: Record<string, string>; error?: string }[] = [
  {
    name: 'a malformed sasl.jaas.config (a misspelt control flag) holding a password',
    secret: 'S3CRET-jaas-flag',
    properties: {
      ...SASL_PLAIN,
      'sasl.jaas.config': `${PLAIN_MODULE} requird username="u" password="S3CRET-jaas-flag";`
    },
    error: `otherProperties.sasl.jaas.config must look like '<LoginModule class> required username="..." password="...";' (got [hidden])`
  },
  {
    name: 'a sasl.jaas.config whose password quote is not closed',
    secret: 'S3CRET-jaas-quote',
    properties: {
      ...SASL_PLAIN,
      'sasl.jaas.config': `${PLAIN_MODULE} required username="u" password="S3CRET-jaas-quote;`
    },
    error:
      'otherProperties.sasl.jaas.config: cannot read the options after "username"; write them as key="value" (got [hidden])'
  },
  {
    name: 'sasl.password with the GSSAPI default mechanism',
    secret: 'S3CRET-sasl-password',
    properties: {
      'security.protocol': 'SASL_PLAINTEXT',
      'sasl.username': 'u',
      'sasl.password': 'S3CRET-sasl-password'
    },
    error:
      'otherProperties.sasl.mechanism GSSAPI (Kerberos, the Java default) is not supported; use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512'
  },
  {
    name: 'ssl.keystore.key with ssl.key.password',
    secret: 'S3CRET-key',
    properties: { ...SSL_PEM, 'ssl.keystore.key': 'S3CRET-key', 'ssl.key.password': 'S3CRET-key' },
    error: 'otherProperties.ssl.key.password is not supported: give the key as an unencrypted PEM key'
  },
  {
    name: 'ssl.keystore.password',
    secret: 'S3CRET-store-password',
    properties: {
      ...SSL_PEM,
      'ssl.keystore.key': 'k',
      'ssl.keystore.certificate.chain': 'c',
      'ssl.keystore.password': 'S3CRET-store-password'
    },
    error:
      'otherProperties.ssl.keystore.password is not supported: PEM stores take no password (the Java producer refuses it for PEM too)'
  },
  {
    name: 'an unknown property whose name says password',
    secret: 'S3CRET-unknown',
    properties: { 'my.vault.password': 'S3CRET-unknown' }
  }
]

/** Everything an error shows: message, stack, its causes, its JSON. */
function errorText(error: unknown): string {
  const parts: string[] = []
  for (let e = error, depth = 0; e !== undefined && depth < 10; depth++) {
    parts.push(String(e), e instanceof Error ? (e.stack ?? '') : '', JSON.stringify(e) ?? '')
    e = e instanceof Error ? e.cause : undefined
  }
  return parts.join('\n')
}

function capturingLogger(lines: string[]): Logger {
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`)
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') }
}

async function runInProcess(
  t: TestContext,
  configuration: unknown,
  messages: number
): Promise<{ error: unknown; logs: string[]; exits: ChainExit[] }> {
  const logs: string[] = []
  const exits: ChainExit[] = []
  try {
    const chain = await loadChain(
      chainExport(
        [{ type: 'org.thingsboard.rule.engine.kafka.TbKafkaNode', name: 'Kafka', configuration }],
        []
      ),
      createDefaultRegistry(),
      { onExit: (exit) => void exits.push(exit), logger: capturingLogger(logs) }
    )
    t.after(() => chain.destroy())
    for (let i = 0; i < messages; i++) await chain.push(makeMsg())
    await chain.drain()
    return { error: undefined, logs, exits }
  } catch (error) {
    return { error, logs, exits }
  }
}

async function runThroughCli(configuration: unknown, messages: number): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'krn-secrets-')), 'chain.json')
  writeFileSync(
    file,
    JSON.stringify(
      chainExport(
        [{ type: 'org.thingsboard.rule.engine.kafka.TbKafkaNode', name: 'Kafka', configuration }],
        []
      )
    )
  )
  const input = Array.from({ length: messages }, () => JSON.stringify({ type: 'T', data: '{}' })).join('\n')
  const result = await runCli(['run', file, '--log-level', 'debug'], input)
  return `${result.stdout}\n${result.stderr}`
}

function assertHidden(secret: string, outputs: Record<string, string>): void {
  for (const [where, text] of Object.entries(outputs))
    assert.ok(!text.includes(secret), `${where} shows the secret: ${text}`)
}

for (const scenario of SCENARIOS) {
  test(`no output shows the secret: ${scenario.name}`, async (t) => {
    const configuration = { bootstrapServers: '127.0.0.1:9', otherProperties: scenario.properties }
    const { error, logs, exits } = await runInProcess(t, configuration, 0)
    const cli = await runThroughCli(configuration, 0)
    assertHidden(scenario.secret, {
      error: errorText(error),
      logs: logs.join('\n'),
      exits: JSON.stringify(exits),
      cli
    })
    if (scenario.error === undefined) {
      assert.equal(error, undefined)
      assert.deepEqual(logs, [
        `warn node "Kafka": otherProperties.my.vault.password is not a producer property this node knows; it is ignored {}`
      ])
    } else {
      assert.ok(error instanceof Error)
      assert.ok(errorText(error).includes(scenario.error), errorText(error))
      assert.ok(cli.includes(scenario.error), cli)
    }
  })
}

test('no output shows the secret: a wrong SASL password against the development broker', async (t) => {
  const secret = 'S3CRET-wrong-password'
  const broker = await startTestBroker(t, { partitions: 1, saslUsers: { alice: 'alice-secret' } })
  const configuration = {
    topicPattern: uniqueTopic('secret'),
    bootstrapServers: `127.0.0.1:${broker.port}`,
    otherProperties: {
      ...SASL_PLAIN,
      'sasl.jaas.config': `${PLAIN_MODULE} required username="alice" password="${secret}";`,
      'max.block.ms': '1000'
    }
  }
  const { error, logs, exits } = await runInProcess(t, configuration, 2)
  const cli = await runThroughCli(configuration, 2)
  assert.equal(error, undefined)
  assert.deepEqual(
    exits.map((e) => e.relation),
    ['Failure', 'Failure']
  )
  assert.equal(cli.match(/"relation":"Failure"/g)?.length, 2, cli)
  assertHidden(secret, { logs: logs.join('\n'), exits: JSON.stringify(exits), cli })
  const describe = await runCli(['describe', 'kafka'])
  assertHidden(secret, { describe: describe.stdout + describe.stderr })
})
