import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Idempotence } from '../../../src/kafka/producer/idempotence.js'
import { PartitionBuffer } from '../../../src/kafka/producer/partition-buffer.js'

test("a partition's sequence numbers are its own: consecutive per partition, from 0 under each producer id generation, wrapping at 2^31", () => {
  const p0 = new PartitionBuffer('t', 0)
  const p1 = new PartitionBuffer('t', 1)
  assert.equal(p0.takeSequences(0, 3), 0)
  assert.equal(p0.takeSequences(0, 2), 3)
  assert.equal(p1.takeSequences(0, 4), 0)
  assert.equal(p0.takeSequences(0, 1), 5)
  p0.acknowledge(0, 5)
  assert.equal(p0.acknowledgedSequence(0), 5)
  assert.equal(p1.acknowledgedSequence(0), 0)
  // A new generation (a new producer id) starts every partition over.
  assert.equal(p0.acknowledgedSequence(1), 0)
  assert.equal(p0.takeSequences(1, 2), 0)
  assert.equal(p0.acknowledgedSequence(1), 0)
  const wrapping = new PartitionBuffer('t', 2)
  assert.equal(wrapping.takeSequences(0, 2 ** 31 - 2), 0)
  assert.equal(wrapping.takeSequences(0, 3), 2 ** 31 - 2)
  assert.equal(wrapping.takeSequences(0, 1), 1)
  wrapping.acknowledge(0, 2 ** 31 + 1)
  assert.equal(wrapping.acknowledgedSequence(0), 1)
})

test('idempotence stamps from the partition buffer: the next sequence per partition, the first unresolved batch, and a reset to a new producer id starting at 0', async () => {
  const ids = [
    { producerId: 4000n, producerEpoch: 0 },
    { producerId: 4001n, producerEpoch: 0 }
  ]
  let asked = 0
  const idempotence = new Idempotence(() => Promise.resolve(ids[asked++] as (typeof ids)[number]))
  const p0 = new PartitionBuffer('t', 0)
  const p1 = new PartitionBuffer('t', 1)
  const first = await idempotence.stamp(p0, 3)
  const second = await idempotence.stamp(p0, 2)
  const other = await idempotence.stamp(p1, 5)
  assert.deepEqual(first, { producerId: 4000n, producerEpoch: 0, baseSequence: 0, generation: 0 })
  assert.deepEqual(second, { producerId: 4000n, producerEpoch: 0, baseSequence: 3, generation: 0 })
  assert.deepEqual(other, { producerId: 4000n, producerEpoch: 0, baseSequence: 0, generation: 0 })
  assert.equal(idempotence.isFirstUnresolved(p0, 0, 0), true)
  assert.equal(idempotence.isFirstUnresolved(p0, 0, 3), false)
  idempotence.acknowledged(p0, 0, 3)
  assert.equal(idempotence.isFirstUnresolved(p0, 0, 3), true)
  assert.equal(p0.acknowledgedSequence(0), 3)

  idempotence.reset(0)
  // A second failure of the same generation does not reset again.
  idempotence.reset(0)
  assert.equal(idempotence.generation, 1)
  assert.equal(
    idempotence.isFirstUnresolved(p0, 0, 3),
    false,
    'a batch of the old generation is stamped again'
  )
  assert.deepEqual(await idempotence.stamp(p0, 2), {
    producerId: 4001n,
    producerEpoch: 0,
    baseSequence: 0,
    generation: 1
  })
  assert.deepEqual(await idempotence.stamp(p1, 1), {
    producerId: 4001n,
    producerEpoch: 0,
    baseSequence: 0,
    generation: 1
  })
  assert.equal(asked, 2)
})
