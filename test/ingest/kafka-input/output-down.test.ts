// The output broker goes away while records keep coming: the input stops taking records at its
// bound, commits nothing that did not leave the chain, and drains everything once it is back.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Kafka, logLevel } from 'kafkajs'
import { loadChain, type ChainExit } from '../../../src/engine/chain.js'
import { silentLogger } from '../../../src/engine/logger.js'
import { KafkaInput } from '../../../src/ingest/kafka-input/kafka-input.js'
import { openGroupConsumer } from '../../../src/kafka/client.js'
import { NULL_ORIGINATOR } from '../../../src/msg/parse-message.js'
import { createDefaultRegistry } from '../../../src/nodes/index.js'
import { address, startTestBroker } from '../../helpers/broker.js'
import { chainExport } from '../../helpers/test-nodes.js'

const RECORDS = 2000
const MAX_IN_FLIGHT = 100

async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 60_000
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

test('output broker down: the input holds at --max-in-flight, commits nothing more, and drains all once it is back', async (t) => {
  const source = await startTestBroker(t)
  const sink = await startTestBroker(t)
  source.createTopic('in', 2)
  sink.createTopic('out', 1)
  const exits: ChainExit[] = []
  const chain = await loadChain(
    chainExport(
      [
        {
          type: 'org.thingsboard.rule.engine.kafka.TbKafkaNode',
          name: 'Kafka',
          configuration: {
            topicPattern: 'out',
            keyPattern: '${kafkaKey}',
            bootstrapServers: address(sink),
            linger: 0,
            retries: 1_000_000,
            otherProperties: {
              'delivery.timeout.ms': '600000',
              'retry.backoff.ms': '100',
              'request.timeout.ms': '2000'
            }
          }
        }
      ],
      []
    ),
    createDefaultRegistry(),
    { onExit: (exit) => void exits.push(exit) }
  )
  const input = await KafkaInput.start(
    {
      chain,
      groupId: 'g',
      topics: ['in'],
      format: { format: 'json', type: 'unused', originator: NULL_ORIGINATOR },
      logger: silentLogger,
      maxInFlight: MAX_IN_FLIGHT,
      commitIntervalMs: 50,
      revokeTimeoutMs: 5000
    },
    (hooks) =>
      openGroupConsumer({
        ...hooks,
        bootstrapServers: [address(source)],
        clientId: 'output-down-test',
        groupId: 'g',
        topics: ['in'],
        sessionTimeoutMs: 10_000,
        heartbeatIntervalMs: 1000,
        bufferedRecords: 50
      })
  )
  const running = input.run()
  let stopped = false
  t.after(async () => {
    if (stopped) return
    await input.stop()
    await running
    await chain.destroy()
  })

  await sink.down()
  const producer = new Kafka({ brokers: [address(source)], logLevel: logLevel.NOTHING }).producer()
  await producer.connect()
  for (let start = 0; start < RECORDS; start += 500) {
    const messages = []
    for (let i = start; i < start + 500; i++)
      messages.push({ partition: i % 2, key: `r${i}`, value: `{"type":"T","data":{"i":${i}}}` })
    await producer.send({ topic: 'in', messages })
  }
  await producer.disconnect()

  await until('the input to fill its bound', () => input.inFlight === MAX_IN_FLIGHT)
  // It stays there: nothing leaves while the output is away, so nothing more is taken.
  await new Promise((resolve) => setTimeout(resolve, 1000))
  assert.equal(input.inFlight, MAX_IN_FLIGHT)
  assert.equal(input.recordsIn, MAX_IN_FLIGHT)
  assert.equal(exits.length, 0)
  // Offset 0 is the first record still in the chain: what is committed (if anything) is 0.
  assert.deepEqual(
    input.committedOffsets().filter((c) => c.offset !== 0n),
    [],
    'nothing left the chain, so nothing past offset 0 is committed'
  )

  await sink.up()
  await until('every record in the output', () => sink.highWatermark('out', 0) === RECORDS)
  await until('nothing in flight', () => input.inFlight === 0)
  await input.commit()
  assert.equal(input.recordsIn, RECORDS)
  assert.equal(exits.length, RECORDS)
  assert.deepEqual(
    exits.filter((e) => e.relation !== 'Success').map((e) => e.msg.metadata.error),
    []
  )
  assert.deepEqual(
    input
      .committedOffsets()
      .map((c) => `${c.topic}:${c.partition}:${c.offset}`)
      .sort(),
    ['in:0:1000', 'in:1:1000']
  )
  stopped = true
  await input.stop()
  await running
  await chain.destroy()
})
