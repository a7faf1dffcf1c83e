import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { Kafka, logLevel } from 'kafkajs'
import { loadChain, type Chain } from '../../../src/engine/chain.js'
import { silentLogger } from '../../../src/engine/logger.js'
import { NodeRegistry } from '../../../src/engine/registry.js'
import type { MsgContext, RuleNode } from '../../../src/engine/rule-node.js'
import { DEAD_LETTER_REASON_HEADER, KafkaInput } from '../../../src/ingest/kafka-input/kafka-input.js'
import type { RecordFormat } from '../../../src/ingest/kafka-input/record-message.js'
import { createRecordSender, openGroupConsumer } from '../../../src/kafka/client.js'
import type { TbMsg } from '../../../src/msg/message.js'
import { NULL_ORIGINATOR } from '../../../src/msg/parse-message.js'
import { builtinNodes } from '../../../src/nodes/index.js'
import { eachBroker, type BrokerTarget, type ReadRecord } from '../../helpers/broker-targets.js'
import { uniqueTopic } from '../../helpers/broker.js'
import { chainExport } from '../../helpers/test-nodes.js'
import { produceInOrder } from '../../helpers/produce-in-order.js'

/** Holds every message with metadata hold=true until the test releases them; passes the rest on. */
class GateNode implements RuleNode {
  static readonly held: (() => void)[] = []
  init(): void {}
  onMsg(ctx: MsgContext, msg: TbMsg): void {
    if (msg.metadata.hold === 'true') GateNode.held.push(() => void ctx.tellSuccess(msg))
    else void ctx.tellSuccess(msg)
  }
  destroy(): void {}
}

const registry = new NodeRegistry([
  ...builtinNodes,
  {
    type: 'test.gate',
    alias: 'gate',
    description: 'gate',
    relations: [],
    config: {},
    create: () => new GateNode()
  }
])

interface Running {
  readonly chain: Chain
  /** The messages that left the chain. */
  readonly exits: TbMsg[]
  readonly input: KafkaInput
  readonly group: string
  /** Stops the input (before the broker stops: the test's own after-hooks run after the broker's). */
  stop(): Promise<void>
}

async function startInput(
  t: TestContext,
  target: BrokerTarget,
  topics: { input: string; output: string; deadLetter: string },
  format: RecordFormat
): Promise<Running> {
  const exits: TbMsg[] = []
  const chain = await loadChain(
    chainExport(
      [
        { type: 'test.gate', name: 'Gate' },
        {
          type: 'org.thingsboard.rule.engine.kafka.TbKafkaNode',
          name: 'Kafka',
          configuration: {
            topicPattern: topics.output,
            keyPattern: '${kafkaKey}',
            bootstrapServers: target.bootstrap,
            linger: 0,
            addMetadataKeyValuesAsKafkaHeaders: true
          }
        }
      ],
      [[0, 1, 'Success']]
    ),
    registry,
    { onExit: (exit) => void exits.push(exit.msg) }
  )
  const group = uniqueTopic('group')
  const input = await KafkaInput.start(
    {
      chain,
      groupId: group,
      topics: [topics.input],
      format,
      logger: silentLogger,
      deadLetter: {
        topic: topics.deadLetter,
        sender: createRecordSender([target.bootstrap], 'kafka-input-test')
      },
      maxInFlight: 100,
      // Commits are made by the test (input.commit()), so that it can check them between steps.
      commitIntervalMs: 3_600_000,
      revokeTimeoutMs: 5000
    },
    (hooks) =>
      openGroupConsumer({
        ...hooks,
        bootstrapServers: [target.bootstrap],
        clientId: 'kafka-input-test',
        groupId: group,
        topics: [topics.input],
        sessionTimeoutMs: 10_000,
        heartbeatIntervalMs: 1000,
        bufferedRecords: 100
      })
  )
  const running = input.run()
  let stopped: Promise<void> | undefined
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      await input.stop()
      await running
      await chain.destroy()
    })())
  t.after(stop)
  return { chain, exits, input, group, stop }
}

function kafkaClient(target: BrokerTarget): Kafka {
  return new Kafka({ clientId: 'kafka-input-check', brokers: [target.bootstrap], logLevel: logLevel.NOTHING })
}

async function produce(
  target: BrokerTarget,
  topic: string,
  records: { partition: number; key: string; value: string; headers?: Record<string, string> }[]
): Promise<void> {
  await produceInOrder(kafkaClient(target), topic, records)
}

async function committed(target: BrokerTarget, group: string, topic: string): Promise<string[]> {
  const admin = kafkaClient(target).admin()
  await admin.connect()
  try {
    const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] })
    return (offsets?.partitions ?? [])
      .slice()
      .sort((a, b) => a.partition - b.partition)
      .map((p) => `${p.partition}:${p.offset}`)
  } finally {
    await admin.disconnect()
  }
}

async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 20_000
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

const headerMap = (record: ReadRecord): Record<string, string> =>
  Object.fromEntries(record.headers.map(([k, v]) => [k, v.toString('utf8')]))

eachBroker(
  'json records: each message once in the output with its metadata, a dead letter with its reason, commits never pass a message in flight',
  async (t, target) => {
    const topics = { input: uniqueTopic('in'), output: uniqueTopic('out'), deadLetter: uniqueTopic('dlt') }
    await target.createTopic(topics.input, 3)
    await target.createTopic(topics.output, 1)
    await target.createTopic(topics.deadLetter, 1)
    const message = (i: number, hold = false): string =>
      JSON.stringify({
        type: 'POST_TELEMETRY_REQUEST',
        metadata: { n: String(i), ...(hold ? { hold: 'true' } : {}) },
        data: { i }
      })
    // Per partition p the records are at offsets 0, 1, 2 in list order.
    await produce(target, topics.input, [
      { partition: 0, key: 'k0', value: message(0) },
      { partition: 0, key: 'k1', value: message(1, true) },
      { partition: 0, key: 'k2', value: message(2) },
      { partition: 1, key: 'k3', value: message(3) },
      { partition: 1, key: 'bad', value: '{"type": 7}', headers: { origin: 'test' } },
      { partition: 1, key: 'k5', value: message(5) },
      { partition: 2, key: 'k6', value: message(6) },
      { partition: 2, key: 'k7', value: message(7) },
      { partition: 2, key: 'k8', value: message(8) }
    ])
    const { input, group, stop } = await startInput(t, target, topics, {
      format: 'json',
      type: 'unused',
      originator: NULL_ORIGINATOR
    })
    await until('7 records in the output', async () => (await target.endOffset(topics.output, 0)) === 7)
    await until('1 dead letter', async () => (await target.endOffset(topics.deadLetter, 0)) === 1)
    await until('the held message at the gate', () => GateNode.held.length === 1)
    await input.commit()
    // Partition 0: offset 1 is held at the gate, so 2 (which left) is not committed either.
    assert.deepEqual(await committed(target, group, topics.input), ['0:1', '1:3', '2:3'])
    assert.equal(input.inFlight, 1)
    assert.equal(input.recordsIn, 9)
    assert.equal(input.deadLettered, 1)

    GateNode.held.splice(0).forEach((release) => release())
    await until('8 records in the output', async () => (await target.endOffset(topics.output, 0)) === 8)
    await until('nothing in flight', () => input.inFlight === 0)
    await input.commit()
    assert.deepEqual(await committed(target, group, topics.input), ['0:3', '1:3', '2:3'])
    await stop()

    const sources = new Map<string, ReadRecord & { partition: number }>()
    for (const partition of [0, 1, 2]) {
      for (const record of await target.read(topics.input, partition))
        sources.set(record.key?.toString() ?? '', { ...record, partition })
    }
    const output = await target.read(topics.output, 0)
    assert.deepEqual(output.map((r) => r.key?.toString()).sort(), [
      'k0',
      'k1',
      'k2',
      'k3',
      'k5',
      'k6',
      'k7',
      'k8'
    ])
    for (const record of output) {
      const key = record.key?.toString() ?? ''
      const source = sources.get(key)
      assert.ok(source !== undefined)
      const i = Number(key.slice(1))
      assert.equal(record.value?.toString(), `{"i":${i}}`)
      assert.deepEqual(headerMap(record), {
        tb_msg_md_n: String(i),
        ...(i === 1 ? { tb_msg_md_hold: 'true' } : {}),
        tb_msg_md_kafkaTopic: topics.input,
        tb_msg_md_kafkaPartition: String(source.partition),
        tb_msg_md_kafkaOffset: String(source.offset),
        tb_msg_md_kafkaTimestamp: String(source.timestamp),
        tb_msg_md_kafkaKey: key
      })
    }
    const [dead] = await target.read(topics.deadLetter, 0)
    assert.equal(dead?.key?.toString(), 'bad')
    assert.equal(dead?.value?.toString(), '{"type": 7}')
    assert.deepEqual(dead === undefined ? {} : headerMap(dead), {
      origin: 'test',
      [DEAD_LETTER_REASON_HEADER]: `${topics.input}[1]@1: type must be a non-empty string (got number 7)`
    })
  }
)

eachBroker(
  'raw records: the value is the data, tb_msg_md_ headers are metadata, type and originator from the options',
  async (t, target) => {
    const topics = { input: uniqueTopic('raw'), output: uniqueTopic('out'), deadLetter: uniqueTopic('dlt') }
    await target.createTopic(topics.input, 1)
    await target.createTopic(topics.output, 1)
    await target.createTopic(topics.deadLetter, 1)
    await produce(target, topics.input, [
      {
        partition: 0,
        key: 'd1',
        value: '{"temperature":21.5}',
        headers: { tb_msg_md_deviceName: 'T1', tb_msg_md_deviceType: 'thermostat', other: 'x' }
      },
      { partition: 0, key: 'd2', value: 'plain text' }
    ])
    const originator = { entityType: 'DEVICE', id: '00000000-0000-4000-8000-0000000000aa' }
    const { input, exits, group, stop } = await startInput(t, target, topics, {
      format: 'raw',
      type: 'CUSTOM_TYPE',
      originator
    })
    await until('2 records in the output', async () => (await target.endOffset(topics.output, 0)) === 2)
    await until('nothing in flight', () => input.inFlight === 0)
    await input.commit()
    assert.deepEqual(await committed(target, group, topics.input), ['0:2'])
    await stop()
    const sources = await target.read(topics.input, 0)
    const output = await target.read(topics.output, 0)
    assert.deepEqual(
      output.map((r) => [r.key?.toString(), r.value?.toString(), headerMap(r)]),
      [
        [
          'd1',
          '{"temperature":21.5}',
          {
            tb_msg_md_deviceName: 'T1',
            tb_msg_md_deviceType: 'thermostat',
            tb_msg_md_kafkaTopic: topics.input,
            tb_msg_md_kafkaPartition: '0',
            tb_msg_md_kafkaOffset: '0',
            tb_msg_md_kafkaTimestamp: String(sources[0]?.timestamp),
            tb_msg_md_kafkaKey: 'd1'
          }
        ],
        [
          'd2',
          'plain text',
          {
            tb_msg_md_kafkaTopic: topics.input,
            tb_msg_md_kafkaPartition: '0',
            tb_msg_md_kafkaOffset: '1',
            tb_msg_md_kafkaTimestamp: String(sources[1]?.timestamp),
            tb_msg_md_kafkaKey: 'd2'
          }
        ]
      ]
    )
    assert.deepEqual(
      exits.map((m) => [m.type, m.originator, m.dataType, m.data]),
      [
        ['CUSTOM_TYPE', originator, 'JSON', '{"temperature":21.5}'],
        ['CUSTOM_TYPE', originator, 'TEXT', 'plain text']
      ]
    )
    assert.deepEqual(
      exits.map((m) => m.ts),
      sources.map((r) => r.timestamp)
    )
  }
)
