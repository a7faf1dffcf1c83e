import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import type { Broker } from '../../../src/broker/index.js'
import { createClient } from '../../../src/kafka/client.js'
import { LeaderUnknownError, fromClientError } from '../../../src/kafka/errors.js'
import { MetadataCache } from '../../../src/kafka/producer/metadata-cache.js'
import { producerSettings } from '../../../src/kafka/producer/producer-properties.js'
import { encodeRecordBatch, type BatchRecord } from '../../../src/kafka/producer/record-batch.js'
import type { BatchOutcome } from '../../../src/kafka/producer/batch-outcome.js'
import { BatchTransport } from '../../../src/kafka/producer/transport.js'
import { address, startTestBroker, uniqueTopic } from '../../helpers/broker.js'

/** A transport over a real client of `broker`, with its metadata cache; the client is closed after the test. */
function transportOf(t: TestContext, broker: Broker, acks = -1) {
  const settings = producerSettings(
    {
      bootstrapServers: [address(broker)],
      retries: 0,
      batchSizeBytes: 16384,
      lingerMs: 0,
      bufferMemoryBytes: 33554432,
      acks
    },
    {},
    () => {}
  )
  const client = createClient(settings)
  t.after(() => client.close(true))
  const metadata = new MetadataCache({ client, maxAgeMs: 60_000, retryBackoffMs: 10 })
  return { metadata, transport: new BatchTransport({ client, metadata, acks, timeoutMs: 5000 }) }
}

const record = (key: string, value: string): BatchRecord => ({
  key,
  keyBytes: Buffer.byteLength(key),
  value,
  valueBytes: Buffer.byteLength(value),
  headers: undefined,
  headerCount: 0,
  headerBytes: 1,
  timestamp: 1732400000000
})

const batchOf = (topic: string, partition: number, ...records: BatchRecord[]) => ({
  topic,
  partition,
  payload: encodeRecordBatch(records, 'none')
})

/** Each outcome as its base offset when appended, or its error when failed. */
const answers = (outcomes: BatchOutcome[]): (number | Error)[] =>
  outcomes.map((o) => (o.kind === 'appended' ? o.baseOffset : o.error))

/** Sends through the transport; the outcomes as `answers` gives them. */
const produce = async (
  transport: BatchTransport,
  ...args: Parameters<BatchTransport['produce']>
): Promise<(number | Error)[]> => answers(await transport.produce(...args))

const stored = (broker: Broker, topic: string, partition: number): [number, string, string][] =>
  broker.records(topic, partition).map((r) => [r.offset, r.key?.toString() ?? '', r.value?.toString() ?? ''])

test("batches of several partitions go in one Produce request to their leader, found in fresh metadata; each answers with its partition's base offset", async (t) => {
  const broker = await startTestBroker(t, { partitions: 1 })
  const topic = uniqueTopic('transport')
  broker.createTopic(topic, 2)
  const { metadata, transport } = transportOf(t, broker)
  let handedOver = 0
  const first = await produce(
    transport,
    -1,
    [batchOf(topic, 0, record('a', '1'), record('b', '2')), batchOf(topic, 1, record('c', '3'))],
    () => handedOver++
  )
  assert.deepEqual(first, [0, 0])
  assert.equal(handedOver, 1)
  assert.equal(broker.requestCount('Produce'), 1)
  // The leader is known now: the next request goes straight to it.
  assert.equal(metadata.leaderOf(topic, 0), 0)
  const second = await produce(transport, 0, [batchOf(topic, 0, record('d', '4'))])
  assert.deepEqual(second, [2])
  assert.equal(broker.requestCount('Produce'), 2)
  assert.deepEqual(stored(broker, topic, 0), [
    [0, 'a', '1'],
    [1, 'b', '2'],
    [2, 'd', '4']
  ])
  assert.deepEqual(stored(broker, topic, 1), [[0, 'c', '3']])
})

test('a partition without a leader fails alone, not counted as sent; a broker error answers its partition only and forgets its leader', async (t) => {
  const broker = await startTestBroker(t, { partitions: 1 })
  const topic = uniqueTopic('transport-errors')
  broker.createTopic(topic, 2)
  const { metadata, transport } = transportOf(t, broker)
  const outcomes = await produce(transport, -1, [
    batchOf(topic, 0, record('a', '1')),
    batchOf(topic, 7, record('b', '2'))
  ])
  assert.equal(outcomes[0], 0)
  const missing = outcomes[1]
  assert.ok(missing instanceof LeaderUnknownError)
  assert.equal(missing.code, 'LEADER_NOT_AVAILABLE')
  assert.equal(missing.message, `no leader is known for topic ${topic} partition 7`)

  // NOT_LEADER_OR_FOLLOWER (6) for the next Produce request.
  broker.faults.failNext('Produce', 6, 1)
  const refused = await produce(transport, 0, [batchOf(topic, 1, record('c', '3'))])
  const error = fromClientError(refused[0], { topic, partition: 1 })
  assert.equal(error.code, 'NOT_LEADER_OR_FOLLOWER')
  assert.equal(error.retriable, true)
  assert.equal(metadata.leaderOf(topic, 1), -1, 'its leader is forgotten')
  assert.equal(metadata.leaderOf(topic, 0), 0, "the other partition's leader stays")
  assert.deepEqual(stored(broker, topic, 1), [])
})

test('acks=0: the request is written and the outcome is offset -1, the broker storing the records', async (t) => {
  const broker = await startTestBroker(t, { partitions: 1 })
  const topic = uniqueTopic('transport-acks0')
  broker.createTopic(topic, 1)
  const { transport } = transportOf(t, broker, 0)
  assert.deepEqual(await produce(transport, -1, [batchOf(topic, 0, record('k', 'v'))]), [-1])
  // No answer comes: wait until the broker has stored the batch.
  for (let i = 0; i < 200 && broker.highWatermark(topic, 0) < 1; i++)
    await new Promise((resolve) => setTimeout(resolve, 10))
  assert.deepEqual(stored(broker, topic, 0), [[0, 'k', 'v']])
})

test('a broker that cannot be reached fails the batches it leads with a connection error, and every leader on it is forgotten', async (t) => {
  const broker = await startTestBroker(t, { partitions: 1 })
  const topic = uniqueTopic('transport-down')
  broker.createTopic(topic, 2)
  const { metadata, transport } = transportOf(t, broker)
  assert.deepEqual(
    await produce(transport, -1, [batchOf(topic, 0, record('a', '1')), batchOf(topic, 1, record('b', '2'))]),
    [0, 0]
  )
  await broker.down()
  const outcomes = await produce(transport, 0, [batchOf(topic, 0, record('c', '3'))])
  const error = fromClientError(outcomes[0], { topic, partition: 0 })
  assert.equal(error.code, 'CONNECTION')
  assert.equal(error.retriable, true)
  assert.deepEqual([metadata.leaderOf(topic, 0), metadata.leaderOf(topic, 1)], [-1, -1])
  await broker.up()
  assert.deepEqual(await produce(transport, -1, [batchOf(topic, 1, record('d', '4'))]), [1])
  assert.deepEqual(stored(broker, topic, 1), [
    [0, 'b', '2'],
    [1, 'd', '4']
  ])
})
