import { mock, test } from 'node:test'
import assert from 'node:assert/strict'
import { PartitionLog } from '../../../src/broker/log/partition-log.js'
import { BATCH, decodeBatch, splitBatches, type BatchHeader } from '../../../src/broker/log/record-batch.js'
import {
  encodeRecordBatch,
  NO_PRODUCER,
  type ProducerStamp
} from '../../../src/kafka/producer/record-batch.js'
import { plainRecord } from '../../helpers/batch-records.js'

const T = 1_732_400_000_000
const OUT_OF_ORDER_SEQUENCE_NUMBER = 45
const INVALID_PRODUCER_EPOCH = 47

/** One batch as a produce request carries it: `values` with timestamps T + `at`, T + `at` + 1, ... */
function batch(values: string[], at = 0, producer: ProducerStamp = NO_PRODUCER): BatchHeader {
  const bytes = encodeRecordBatch(
    values.map((value, i) => plainRecord(value, T + at + i)),
    'none',
    producer
  )
  const batches = splitBatches(bytes)
  assert.ok(typeof batches !== 'string', String(batches))
  return batches[0] as BatchHeader
}

/** [offset, value] of every record in `batches`. */
const records = (batches: readonly Buffer[]): [number, string][] =>
  batches.flatMap((b) => decodeBatch(b).map((r): [number, string] => [r.offset, r.value?.toString() ?? '']))

const producer = (baseSequence: number, producerEpoch = 0): ProducerStamp => ({
  producerId: 7n,
  producerEpoch,
  baseSequence
})

test('a new log is empty: high watermark and log start offset 0, nothing to read', () => {
  const log = new PartitionLog()
  assert.equal(log.highWatermark, 0)
  assert.equal(log.logStartOffset, 0)
  assert.deepEqual(log.read(0, 1 << 20), [])
  assert.equal(log.offsetForTimestamp(0n), -1)
})

test('append assigns consecutive offsets per batch, stamps base offset and leader epoch into the bytes, and reports the first base offset', () => {
  const appended: Buffer[] = []
  const log = new PartitionLog((bytes) => appended.push(bytes))
  assert.deepEqual(log.append([batch(['a', 'b', 'c'])]), { errorCode: 0, baseOffset: 0 })
  assert.deepEqual(log.append([batch(['d', 'e'], 10), batch(['f'], 20)]), { errorCode: 0, baseOffset: 3 })
  assert.equal(log.highWatermark, 6)
  assert.equal(log.logStartOffset, 0)
  assert.deepEqual(
    log.batches.map((b) => [b.baseOffset, b.lastOffset, b.maxTimestamp]),
    [
      [0, 2, BigInt(T + 2)],
      [3, 4, BigInt(T + 11)],
      [5, 5, BigInt(T + 20)]
    ]
  )
  assert.deepEqual(
    log.batches.map((b) => [
      b.bytes.readBigInt64BE(BATCH.baseOffset),
      b.bytes.readInt32BE(BATCH.leaderEpoch)
    ]),
    [
      [0n, 0],
      [3n, 0],
      [5n, 0]
    ]
  )
  // Every stored batch went to onAppend (the data file), in order, as stored.
  assert.deepEqual(
    appended,
    log.batches.map((b) => b.bytes)
  )
  assert.deepEqual(records(log.read(0, 1 << 20)), [
    [0, 'a'],
    [1, 'b'],
    [2, 'c'],
    [3, 'd'],
    [4, 'e'],
    [5, 'f']
  ])
})

test('read starts at the batch holding the offset and stops before maxBytes, but always returns one batch', () => {
  const log = new PartitionLog()
  log.append([batch(['a', 'b', 'c'])])
  log.append([batch(['d', 'e'])])
  log.append([batch(['f'])])
  const [first, second, third] = log.batches.map((b) => b.bytes) as [Buffer, Buffer, Buffer]
  assert.deepEqual(log.read(0, 1 << 20), [first, second, third])
  // Offset 4 is inside the second batch: reading starts at that batch's first offset, 3.
  assert.deepEqual(log.read(4, 1 << 20), [second, third])
  assert.deepEqual(log.read(5, 1 << 20), [third])
  assert.deepEqual(log.read(6, 1 << 20), [])
  assert.deepEqual(log.read(0, first.length + second.length), [first, second])
  assert.deepEqual(log.read(0, first.length + second.length - 1), [first])
  // A first batch bigger than maxBytes is returned whole, so that a consumer always progresses.
  assert.deepEqual(log.read(0, 1), [first])
})

test('offsetForTimestamp is the base offset of the first batch whose max timestamp is at or after it', () => {
  const log = new PartitionLog()
  log.append([batch(['a', 'b'], 0)]) // T, T+1
  log.append([batch(['c'], 10)]) // T+10
  log.append([batch(['d'], 5)]) // T+5, after a later one
  assert.equal(log.offsetForTimestamp(0n), 0)
  assert.equal(log.offsetForTimestamp(BigInt(T + 1)), 0)
  assert.equal(log.offsetForTimestamp(BigInt(T + 2)), 2)
  assert.equal(log.offsetForTimestamp(BigInt(T + 10)), 2)
  assert.equal(log.offsetForTimestamp(BigInt(T + 11)), -1)
})

test('idempotent producer: a first batch may start at any sequence, the next must follow; a retry of a stored batch gets its offset and is not stored again', () => {
  const log = new PartitionLog()
  assert.deepEqual(log.append([batch(['a', 'b'], 0, producer(5))]), { errorCode: 0, baseOffset: 0 })
  assert.deepEqual(log.append([batch(['d'], 0, producer(8))]), {
    errorCode: OUT_OF_ORDER_SEQUENCE_NUMBER,
    baseOffset: -1
  })
  assert.deepEqual(log.append([batch(['c'], 0, producer(7))]), { errorCode: 0, baseOffset: 2 })
  assert.deepEqual(log.append([batch(['a', 'b'], 0, producer(5))]), { errorCode: 0, baseOffset: 0 })
  assert.deepEqual(log.append([batch(['c'], 0, producer(7))]), { errorCode: 0, baseOffset: 2 })
  // Inside a stored batch, neither a retry nor the next one.
  assert.deepEqual(log.append([batch(['b'], 0, producer(6))]), {
    errorCode: OUT_OF_ORDER_SEQUENCE_NUMBER,
    baseOffset: -1
  })
  // A producer that is not idempotent is never checked.
  assert.deepEqual(log.append([batch(['x'])]), { errorCode: 0, baseOffset: 3 })
  assert.deepEqual(records(log.read(0, 1 << 20)), [
    [0, 'a'],
    [1, 'b'],
    [2, 'c'],
    [3, 'x']
  ])
})

test('idempotent producer epochs: an older epoch is fenced, a newer one must start at sequence 0', () => {
  const log = new PartitionLog()
  assert.deepEqual(log.append([batch(['a'], 0, producer(0, 2))]), { errorCode: 0, baseOffset: 0 })
  assert.deepEqual(log.append([batch(['b'], 0, producer(1, 1))]), {
    errorCode: INVALID_PRODUCER_EPOCH,
    baseOffset: -1
  })
  assert.deepEqual(log.append([batch(['b'], 0, producer(1, 3))]), {
    errorCode: OUT_OF_ORDER_SEQUENCE_NUMBER,
    baseOffset: -1
  })
  assert.deepEqual(log.append([batch(['b'], 0, producer(0, 3))]), { errorCode: 0, baseOffset: 1 })
  // The old epoch's batches are forgotten: its sequence 0 is now fenced, not a retry.
  assert.deepEqual(log.append([batch(['a'], 0, producer(0, 2))]), {
    errorCode: INVALID_PRODUCER_EPOCH,
    baseOffset: -1
  })
  assert.equal(log.highWatermark, 2)
})

test('a retry is recognised among the last five batches of a producer, as Kafka keeps them; an older one is out of order', () => {
  const log = new PartitionLog()
  for (let n = 0; n < 6; n++)
    assert.deepEqual(log.append([batch([`v${n}`], 0, producer(n))]), { errorCode: 0, baseOffset: n })
  assert.deepEqual(log.append([batch(['v1'], 0, producer(1))]), { errorCode: 0, baseOffset: 1 })
  assert.deepEqual(log.append([batch(['v0'], 0, producer(0))]), {
    errorCode: OUT_OF_ORDER_SEQUENCE_NUMBER,
    baseOffset: -1
  })
  assert.equal(log.highWatermark, 6)
})

test('the batches of one request are appended all or none: a bad sequence in the second stores neither', () => {
  const log = new PartitionLog()
  assert.deepEqual(log.append([batch(['a'], 0, producer(0)), batch(['c'], 0, producer(2))]), {
    errorCode: OUT_OF_ORDER_SEQUENCE_NUMBER,
    baseOffset: -1
  })
  assert.equal(log.highWatermark, 0)
  assert.deepEqual(log.batches, [])
  // Consecutive batches of one request follow each other's sequence numbers.
  assert.deepEqual(log.append([batch(['a'], 0, producer(0)), batch(['b', 'c'], 0, producer(1))]), {
    errorCode: 0,
    baseOffset: 0
  })
  assert.equal(log.highWatermark, 3)
})

test('restore re-adds stored batches with their offsets and the producer state, so that a retry after a restart is recognised', () => {
  const before = new PartitionLog()
  before.append([batch(['a'])])
  before.append([batch(['b', 'c'], 0, producer(0))])
  const after = new PartitionLog()
  for (const stored of before.batches) after.restore(Buffer.from(stored.bytes))
  assert.equal(after.highWatermark, 3)
  assert.deepEqual(
    after.batches.map((b) => [b.baseOffset, b.lastOffset]),
    [
      [0, 0],
      [1, 2]
    ]
  )
  assert.deepEqual(after.append([batch(['b', 'c'], 0, producer(0))]), { errorCode: 0, baseOffset: 1 })
  assert.deepEqual(after.append([batch(['d'], 0, producer(2))]), { errorCode: 0, baseOffset: 3 })
  assert.deepEqual(records(after.read(0, 1 << 20)), [
    [0, 'a'],
    [1, 'b'],
    [2, 'c'],
    [3, 'd']
  ])
})

test('waitForData resolves on the next append, or when its time is up', async (t) => {
  mock.timers.enable({ apis: ['setTimeout'] })
  t.after(() => mock.timers.reset())
  const log = new PartitionLog()
  const settled: string[] = []
  const timedOut = log.waitForData(500).then(() => settled.push('timed out'))
  mock.timers.tick(499)
  await Promise.resolve()
  assert.deepEqual([...settled], [])
  mock.timers.tick(1)
  await timedOut
  assert.deepEqual([...settled], ['timed out'])
  const woken = log.waitForData(500).then(() => settled.push('woken'))
  log.append([batch(['a'])])
  await woken
  assert.deepEqual([...settled], ['timed out', 'woken'])
  // The woken waiter's timer was cleared: nothing fires later.
  mock.timers.tick(1000)
  await Promise.resolve()
  assert.deepEqual([...settled], ['timed out', 'woken'])
})
