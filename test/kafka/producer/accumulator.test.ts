import { test } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { Accumulator, type Batch } from '../../../src/kafka/producer/accumulator.js'

interface Rec {
  readonly size: number
  readonly n: number
}

const rec = (n: number, size = 100): Rec => ({ n, size })
const shape = (batches: Batch<Rec>[]): [string, number[]][] =>
  batches.map((b) => [`${b.topic}/${b.partition}`, b.records.map((r) => r.n)])

test('a batch closes when the next record would pass batch.size; full batches drain first, one per partition', () => {
  let ready = 0
  const acc = new Accumulator<Rec>({ batchSizeBytes: 250, lingerMs: 1000, onReady: () => ready++ })
  for (let n = 0; n < 5; n++) acc.append('t', 0, rec(n))
  acc.append('t', 1, rec(10))
  assert.equal(acc.records, 6)
  assert.equal(ready, 2, 'each full batch says so')
  // Partition 0 has two full batches ([0,1], [2,3]) and an open one ([4]); partition 1 is open.
  // Linger (1 s) has not passed: only full batches, and only one of partition 0 per request.
  assert.deepEqual(shape(acc.drain(1_000_000)), [['t/0', [0, 1]]])
  assert.deepEqual(shape(acc.drain(1_000_000)), [['t/0', [2, 3]]])
  assert.deepEqual(shape(acc.drain(1_000_000)), [])
  assert.equal(acc.records, 2)
})

test('linger: an open batch is ready once linger.ms has passed, and keeps taking records until drained', async () => {
  let ready = 0
  const acc = new Accumulator<Rec>({ batchSizeBytes: 10_000, lingerMs: 30, onReady: () => ready++ })
  acc.append('t', 0, rec(1))
  assert.deepEqual(shape(acc.drain(1_000_000)), [])
  await sleep(50)
  assert.equal(ready, 1)
  // Not drained yet (no free request slot, say): a record arriving now still joins it.
  acc.append('t', 0, rec(2))
  assert.deepEqual(shape(acc.drain(1_000_000)), [['t/0', [1, 2]]])
})

test('linger 0: every open batch is ready at once, announced once at the end of the turn', async () => {
  let ready = 0
  const acc = new Accumulator<Rec>({ batchSizeBytes: 10_000, lingerMs: 0, onReady: () => ready++ })
  acc.append('t', 0, rec(1))
  acc.append('t', 1, rec(2))
  acc.append('u', 0, rec(3))
  assert.equal(ready, 0)
  await new Promise((resolve) => setImmediate(resolve))
  assert.equal(ready, 1)
  assert.deepEqual(shape(acc.drain(1_000_000)), [
    ['t/0', [1]],
    ['t/1', [2]],
    ['u/0', [3]]
  ])
})

test('drain stays within max bytes but always takes one batch, and skips busy partitions', () => {
  const acc = new Accumulator<Rec>({ batchSizeBytes: 10_000, lingerMs: 0, onReady: () => {} })
  acc.append('t', 0, rec(1, 600))
  acc.append('t', 1, rec(2, 600))
  acc.append('t', 2, rec(3, 300))
  // 600 + 600 > 1000: the second does not fit, the third does.
  assert.deepEqual(shape(acc.drain(1000, { busy: new Set() })), [
    ['t/0', [1]],
    ['t/2', [3]]
  ])
  // A batch larger than the limit still goes, alone.
  acc.append('t', 3, rec(4, 5000))
  assert.deepEqual(shape(acc.drain(1000, { busy: new Set([acc.bufferOf('t', 1)]) })), [['t/3', [4]]])
  assert.deepEqual(shape(acc.drain(1000)), [['t/1', [2]]])
  assert.equal(acc.records, 0)
})

test('flush makes open batches ready before their linger has passed', () => {
  let ready = 0
  const acc = new Accumulator<Rec>({ batchSizeBytes: 10_000, lingerMs: 60_000, onReady: () => ready++ })
  acc.append('t', 0, rec(1))
  acc.append('t', 1, rec(2))
  assert.deepEqual(shape(acc.drain(1_000_000)), [])
  acc.flush()
  assert.equal(ready, 1)
  assert.deepEqual(shape(acc.drain(1_000_000)), [
    ['t/0', [1]],
    ['t/1', [2]]
  ])
})

test('drain takes one request per broker: a partition whose leader has no room waits, and each broker gets up to max bytes', () => {
  const acc = new Accumulator<Rec>({ batchSizeBytes: 10_000, lingerMs: 0, onReady: () => {} })
  for (let p = 0; p < 4; p++) acc.append('t', p, rec(p, 600))
  // Partitions 0 and 1 are led by broker 1, 2 by broker 2; broker 3 (partition 3) has max.in.flight out.
  const drained = acc.drain(1000, { leaderOf: (b) => [1, 1, 2, undefined][b.partition] })
  // 600 + 600 > 1000 for broker 1: partition 1 waits for its next request, not for broker 2's.
  assert.deepEqual(
    drained.map((b) => [b.partition, b.leader]),
    [
      [0, 1],
      [2, 2]
    ]
  )
  assert.deepEqual(
    acc.drain(1000, { leaderOf: (b) => [1, 1, 2, 3][b.partition] }).map((b) => [b.partition, b.leader]),
    [
      [1, 1],
      [3, 3]
    ]
  )
  assert.equal(acc.records, 0)
})

test('a full batch left behind (its leader busy) keeps the newer batches of its partition behind it', () => {
  const acc = new Accumulator<Rec>({ batchSizeBytes: 250, lingerMs: 0, onReady: () => {} })
  for (let n = 0; n < 3; n++) acc.append('t', 0, rec(n, 200))
  // [0], [1] full; [2] open. Broker busy: nothing of partition 0 leaves, not even the open batch.
  assert.deepEqual(shape(acc.drain(1_000_000, { leaderOf: () => undefined })), [])
  assert.deepEqual(shape(acc.drain(1_000_000, { leaderOf: () => 1 })), [['t/0', [0]]])
  assert.deepEqual(shape(acc.drain(1_000_000, { leaderOf: () => 1 })), [['t/0', [1]]])
  assert.deepEqual(shape(acc.drain(1_000_000, { leaderOf: () => 1 })), [['t/0', [2]]])
})
