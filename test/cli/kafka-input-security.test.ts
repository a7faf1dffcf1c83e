// `run --kafka-input` against Apache Kafka's secured listeners: the group consumer and the
// dead-letter sender connect over SASL_SSL with SCRAM (users made by Kafka's own tools, the test
// CA), the chain's Kafka node writes over SASL_SSL with PLAIN, and independent readers (kcat,
// kafkajs) check what arrived over PLAINTEXT. A wrong password stops the run with Kafka's answer
// and never shows the password. Needs our cluster (not a KAFKA_BOOTSTRAP of one's own).

import { before, test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { DEAD_LETTER_REASON_HEADER } from '../../src/ingest/kafka-input/kafka-input.js'
import { USERS, type KafkaCluster } from '../../reference/kafka/cluster.js'
import { openTarget } from '../helpers/broker-targets.js'
import { uniqueTopic } from '../helpers/broker.js'
import { kafkaChainFile } from '../helpers/chain-file.js'
import { runCli, startCli, type ProcessResult } from '../helpers/cli.js'
import { produceInOrder } from '../helpers/produce-in-order.js'
import { kcatConsume } from '../helpers/kcat.js'
import { referenceKafka } from '../helpers/reference-kafka.js'

let cluster: KafkaCluster | undefined
before(async () => {
  cluster = (await referenceKafka()).cluster
})

const skip = (): string | false =>
  process.env.KAFKA_BOOTSTRAP ? 'KAFKA_BOOTSTRAP names a Kafka without our users and CA' : false

const SCRAM = 'org.apache.kafka.common.security.scram.ScramLoginModule'
const PLAIN = 'org.apache.kafka.common.security.plain.PlainLoginModule'

function file(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'krn-kin-secure-')), name)
  writeFileSync(path, content)
  return path
}

/** The group's committed offset of each partition of `topic`, read by kafkajs over PLAINTEXT. */
async function committed(kafka: Kafka, group: string, topic: string): Promise<string[]> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] })
    return (offsets?.partitions ?? []).sort((a, b) => a.partition - b.partition).map((p) => p.offset)
  } finally {
    await admin.disconnect()
  }
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** A chain whose Kafka node writes to `output` over SASL_SSL with PLAIN, metadata as headers. */
function secureChain(kafka: KafkaCluster, output: string): string {
  return kafkaChainFile({
    topicPattern: output,
    keyPattern: '${kafkaKey}',
    bootstrapServers: kafka.bootstrap('SASL_SSL'),
    addMetadataKeyValuesAsKafkaHeaders: true,
    otherProperties: {
      'security.protocol': 'SASL_SSL',
      'sasl.mechanism': 'PLAIN',
      'sasl.jaas.config': `${PLAIN} required username="${USERS.plain.username}" password="${USERS.plain.password}";`,
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.certificates': kafka.tls.ca.replaceAll('\n', '\\n')
    }
  })
}

test(
  'run --kafka-input over SASL_SSL with SCRAM-SHA-512 (--kafka-input-properties): every message in the output, the dead letter with its reason, the group committed to the end',
  { skip: skip() },
  async (t: TestContext) => {
    const kafka = cluster as KafkaCluster
    const target = await openTarget(t, 'Apache Kafka')
    const input = uniqueTopic('sec-in')
    const output = uniqueTopic('sec-out')
    const deadLetter = uniqueTopic('sec-dlt')
    const group = uniqueTopic('sec-group')
    await target.createTopic(input, 2)
    await target.createTopic(output, 1)
    await target.createTopic(deadLetter, 1)
    const plain = new Kafka({
      clientId: 'secure-test',
      brokers: [target.bootstrap],
      logLevel: logLevel.NOTHING
    })
    await produceInOrder(plain, input, [
      { partition: 0, key: 'k1', value: '{"type":"T","data":{"n":1}}' },
      { partition: 0, key: 'bad', value: '{"type": 7}', headers: { origin: 'test' } },
      { partition: 1, key: 'k2', value: '{"type":"T","data":{"n":2}}' },
      { partition: 1, key: 'k3', value: '{"type":"T","data":{"n":3}}' }
    ])

    const properties = file(
      'consumer.properties',
      [
        'security.protocol=SASL_SSL',
        'sasl.mechanism=SCRAM-SHA-512',
        `sasl.jaas.config=${SCRAM} required \\`,
        `    username="${USERS.scram.username}" password="${USERS.scram.password}";`,
        'ssl.truststore.type=PEM',
        `ssl.truststore.location=${kafka.tls.caPath}`
      ].join('\n')
    )
    const cli = startCli([
      'run',
      secureChain(kafka, output),
      '--kafka-input',
      kafka.bootstrap('SASL_SSL'),
      '--topics',
      input,
      '--group',
      group,
      '--dead-letter-topic',
      deadLetter,
      '--kafka-input-properties',
      properties,
      '--commit-interval-ms',
      '50',
      '--http',
      '0',
      '--log-level',
      'warn'
    ])
    t.after(() => cli.child.kill('SIGKILL'))
    const { base } = await cli.http()
    await target.waitForEnd(output, 0, 3, 60_000)
    await target.waitForEnd(deadLetter, 0, 1, 60_000)
    await until('the group to commit both partitions to their end', async () => {
      const offsets = await committed(plain, group, input)
      return offsets.join() === '2,2'
    })
    assert.deepEqual(await committed(plain, group, input), ['2', '2'])

    const health = await (await fetch(`${base}/healthz`)).text()
    const metrics = await (await fetch(`${base}/metrics`)).text()
    const body = JSON.parse(health) as {
      status: string
      group: { groupId: string; assignments: { topic: string; partitions: number[] }[] }
    }
    assert.equal(body.status, 'ok')
    assert.equal(body.group.groupId, group)
    assert.deepEqual(body.group.assignments, [{ topic: input, partitions: [0, 1] }])
    cli.child.kill('SIGTERM')
    const result = await cli.exited
    assert.equal(result.code, 0, result.stderr)
    for (const [where, text] of Object.entries({
      stdout: result.stdout,
      stderr: result.stderr,
      healthz: health,
      metrics
    })) {
      for (const secret of [USERS.scram.password, USERS.plain.password])
        assert.ok(!text.includes(secret), `${where} shows a password: ${text}`)
    }

    // kcat (librdkafka) reads the output and the dead letter back over PLAINTEXT.
    const records = await kcatConsume(target.bootstrap, output, 0, '%k|%s')
    assert.deepEqual([...records].sort(), ['k1|{"n":1}', 'k2|{"n":2}', 'k3|{"n":3}'])
    const stored = await target.read(output, 0)
    const sources = stored
      .map((r) => {
        const headers = Object.fromEntries(r.headers.map(([k, v]) => [k, v.toString()]))
        return [
          r.key?.toString(),
          headers.tb_msg_md_kafkaTopic,
          headers.tb_msg_md_kafkaPartition,
          headers.tb_msg_md_kafkaOffset
        ]
      })
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])))
    assert.deepEqual(sources, [
      ['k1', input, '0', '0'],
      ['k2', input, '1', '0'],
      ['k3', input, '1', '1']
    ])
    assert.deepEqual(await kcatConsume(target.bootstrap, deadLetter, 0, '%k|%s'), ['bad|{"type": 7}'])
    const [dead] = await target.read(deadLetter, 0)
    assert.deepEqual(Object.fromEntries((dead?.headers ?? []).map(([k, v]) => [k, v.toString()])), {
      origin: 'test',
      [DEAD_LETTER_REASON_HEADER]: `${input}[0]@1: type must be a non-empty string (got number 7)`
    })
    // What left the chain, one line per message on stdout.
    assert.equal(result.stdout.trim().split('\n').length, 3, result.stdout)
  }
)

/**
 * Runs `run --kafka-input` from `bootstrap` with `args` (its security settings) on a fresh input
 * topic of Apache Kafka, to its exit; for the tests of settings the cluster refuses.
 */
async function runRefusedInput(
  t: TestContext,
  bootstrap: string,
  args: readonly string[]
): Promise<{ input: string; result: ProcessResult }> {
  const target = await openTarget(t, 'Apache Kafka')
  const input = uniqueTopic('sec-in')
  await target.createTopic(input, 1)
  const result = await runCli([
    'run',
    secureChain(cluster as KafkaCluster, uniqueTopic('sec-out')),
    '--kafka-input',
    bootstrap,
    '--topics',
    input,
    '--group',
    uniqueTopic('sec-group'),
    ...args
  ])
  return { input, result }
}

test(
  "run --kafka-input with a wrong SCRAM password (--kafka-input-property): exit 1 with Kafka's authentication failure, the password shown nowhere",
  { skip: skip() },
  async (t: TestContext) => {
    const kafka = cluster as KafkaCluster
    const wrong = 'S3CRET-wrong-scram-password'
    const { input, result } = await runRefusedInput(t, kafka.bootstrap('SASL_PLAINTEXT'), [
      '--kafka-input-property',
      'security.protocol=SASL_PLAINTEXT',
      '--kafka-input-property',
      'sasl.mechanism=SCRAM-SHA-256',
      '--kafka-input-property',
      `sasl.jaas.config=${SCRAM} required username="${USERS.scram.username}" password="${wrong}";`,
      '--log-level',
      'debug'
    ])
    assert.equal(result.code, 1, result.stderr)
    const line = result.stderr.split('\n').find((l) => l.startsWith('kafka-rule-node: ServiceError'))
    assert.match(
      line ?? result.stderr,
      new RegExp(
        `^kafka-rule-node: ServiceError: kafka input: cannot consume ${input} as group sec-group-\\w+ from ${kafka.bootstrap('SASL_PLAINTEXT')}: .*\\(broker answered SASL_AUTHENTICATION_FAILED \\(58\\): Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256\\)$`
      )
    )
    assert.ok(!result.stderr.includes(wrong), result.stderr)
    assert.ok(!result.stdout.includes(wrong), result.stdout)
  }
)

test(
  'run --kafka-input over SSL without the CA in its trust store: exit 1 naming the failed TLS handshake',
  { skip: skip() },
  async (t: TestContext) => {
    const kafka = cluster as KafkaCluster
    const { input, result } = await runRefusedInput(t, kafka.bootstrap('SSL'), [
      '--kafka-input-property',
      'security.protocol=SSL'
    ])
    assert.equal(result.code, 1, result.stderr)
    assert.match(
      result.stderr,
      new RegExp(
        `^kafka-rule-node: ServiceError: kafka input: cannot consume ${input} as group sec-group-\\w+ from ${kafka.bootstrap('SSL')}: .*\\(TLS handshake failed: .*unable to verify the first certificate\\)$`,
        'm'
      )
    )
  }
)
