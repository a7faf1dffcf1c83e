import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PartitionOffsets } from '../../../src/ingest/kafka-input/offset-tracker.js'

test('nothing taken: nothing to commit', () => {
  const offsets = new PartitionOffsets()
  assert.equal(offsets.committable(), undefined)
  assert.equal(offsets.next, undefined)
})

test('commits up to the first message still in flight, even when later ones finished first', () => {
  const offsets = new PartitionOffsets()
  for (const offset of [5n, 6n, 7n, 8n]) offsets.take(offset)
  assert.equal(offsets.committable(), 5n)
  offsets.finish(7n)
  offsets.finish(8n)
  assert.equal(offsets.committable(), 5n, 'offset 5 is in flight: 7 and 8 must wait for it')
  assert.equal(offsets.inFlight, 2)
  offsets.finish(5n)
  assert.equal(offsets.committable(), 6n)
  offsets.finish(6n)
  assert.equal(offsets.committable(), 9n)
  assert.equal(offsets.inFlight, 0)
})

test('gaps in offsets (compaction, transaction markers) are committed past', () => {
  const offsets = new PartitionOffsets()
  offsets.take(10n)
  offsets.take(14n)
  offsets.finish(10n)
  assert.equal(offsets.committable(), 14n)
  offsets.finish(14n)
  assert.equal(offsets.committable(), 15n)
})

test('a dead-lettered record is done when taken and does not hold the partition', () => {
  const offsets = new PartitionOffsets()
  offsets.take(0n)
  offsets.takeDone(1n)
  offsets.take(2n)
  offsets.finish(2n)
  assert.equal(offsets.committable(), 0n)
  offsets.finish(0n)
  assert.equal(offsets.committable(), 3n)
})

test('a record fetched again (at or below one taken) is not new; taking it is an error', () => {
  const offsets = new PartitionOffsets()
  offsets.take(3n)
  offsets.take(4n)
  assert.equal(offsets.isNew(3n), false)
  assert.equal(offsets.isNew(4n), false)
  assert.equal(offsets.isNew(5n), true)
  assert.throws(() => offsets.take(4n), /offset 4 was taken already \(next is 5\)/)
  assert.throws(() => offsets.finish(9n), /offset 9 is not in flight/)
  offsets.finish(3n)
  assert.throws(() => offsets.finish(3n), /offset 3 is not in flight/)
})

test('100,000 records finishing in a shuffled order: the committable offset never passes one in flight', () => {
  const offsets = new PartitionOffsets()
  const count = 100_000
  for (let i = 0; i < count; i++) offsets.take(BigInt(i))
  // A fixed permutation (multiplication by a unit modulo count), so the test is repeatable.
  const finished = new Uint8Array(count)
  let lowestInFlight = 0
  for (let k = 0; k < count; k++) {
    const offset = (k * 7919) % count
    offsets.finish(BigInt(offset))
    finished[offset] = 1
    while (lowestInFlight < count && finished[lowestInFlight] === 1) lowestInFlight++
    if (k % 997 === 0 || k === count - 1) assert.equal(offsets.committable(), BigInt(lowestInFlight))
  }
  assert.equal(offsets.committable(), BigInt(count))
  assert.equal(offsets.inFlight, 0)
})
