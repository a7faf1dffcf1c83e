import { test } from 'node:test'
import assert from 'node:assert/strict'
import { RuleNodeError } from '../../../src/errors.js'
import { Accumulator } from '../../../src/kafka/producer/accumulator.js'
import { appended, failed } from '../../../src/kafka/producer/batch-outcome.js'
import { Batch, PartitionBuffer } from '../../../src/kafka/producer/partition-buffer.js'
import {
  Sender,
  type BatchSource,
  type SenderHooks,
  type SenderOptions
} from '../../../src/kafka/producer/sender.js'

interface Rec {
  readonly size: number
}

interface Numbered extends Rec {
  readonly n: number
}

/** One buffer per partition of topic t, shared by every batch of the partition. */
const buffers: PartitionBuffer<Rec>[] = []
const bufferOf = (partition: number): PartitionBuffer<Rec> =>
  (buffers[partition] ??= new PartitionBuffer<Rec>('t', partition))

const batch = (partition: number, createdAt = Date.now()): Batch<Rec> => {
  const b = new Batch<Rec>(bufferOf(partition), createdAt)
  b.records.push({ size: 10 })
  b.bytes = 10
  return b
}

/** A source handing out the given batches, one request's worth (one per partition) at a time. */
function source(batches: Batch<Rec>[]): BatchSource<Rec> {
  return {
    get records() {
      return batches.length
    },
    drain(_max, { busy, leaderOf }) {
      const out: Batch<Rec>[] = []
      const seen = new Set<PartitionBuffer<Rec>>(busy)
      for (const b of [...batches]) {
        if (seen.has(b.buffer)) continue
        seen.add(b.buffer)
        const leader = leaderOf === undefined ? -1 : leaderOf(b)
        if (leader === undefined) continue
        b.leader = leader
        out.push(b)
        batches.splice(batches.indexOf(b), 1)
      }
      return out
    }
  }
}

/** A sender with Java-like limits; `options` overrides them. */
function sender(
  batches: Batch<Rec>[],
  h: SenderHooks<Rec>,
  options: Partial<Omit<SenderOptions<Rec>, 'source' | 'hooks'>> = {}
): Sender<Rec> {
  return new Sender<Rec>({
    maxInFlight: 5,
    retries: 0,
    retryBackoffMs: 1,
    deliveryTimeoutMs: 60_000,
    maxRequestBytes: 1_000_000,
    ...options,
    source: source(batches),
    hooks: h
  })
}

const retriable = new RuleNodeError('NOT_LEADER_OR_FOLLOWER', {
  code: 'NOT_LEADER_OR_FOLLOWER',
  retriable: true
})
const fatal = new RuleNodeError('INVALID_RECORD', { code: 'INVALID_RECORD', retriable: false })

/** A batch's answer in these tests: its base offset, or the error it failed with. */
type Answer = number | Error

function hooks(produce: (batches: Batch<Rec>[], leader: number) => Promise<Answer[]>) {
  const log: string[] = []
  const h: SenderHooks<Rec> = {
    produce: async (batches, leader) =>
      (await produce(batches, leader)).map((answer) =>
        typeof answer === 'number' ? appended(answer) : failed(answer)
      ),
    toError: (error) => error as RuleNodeError,
    expired: (b, last) =>
      new RuleNodeError(`expired ${b.partition} after ${last?.code ?? 'nothing'}`, { code: 'TIMEOUT' }),
    delivered: (b, offset) => void log.push(`delivered ${b.partition}@${offset}`),
    failed: (b, error) => void log.push(`failed ${b.partition}: ${error.message}`),
    retried: (b, error) => void log.push(`retried ${b.partition}: ${error.code}`),
    wasSent: (error) => error.code !== 'LEADER_NOT_AVAILABLE'
  }
  return { h, log }
}

test('at most max.in.flight requests are out at once; every batch ends delivered', async () => {
  let out = 0
  let peak = 0
  const { h, log } = hooks(async (batches) => {
    out++
    peak = Math.max(peak, out)
    await new Promise((resolve) => setTimeout(resolve, 5))
    out--
    return batches.map((b) => b.partition * 100)
  })
  // Ten batches of one partition: one per request, so ten requests.
  const s = sender(
    Array.from({ length: 10 }, () => batch(3)),
    h,
    { maxInFlight: 2, retryBackoffMs: 10 }
  )
  s.wake()
  await s.idle()
  assert.equal(peak, 2)
  assert.deepEqual(
    log,
    Array.from({ length: 10 }, () => 'delivered 3@300')
  )
})

test('a retriable error is retried up to `retries` times, then the batch fails with the last error', async () => {
  let calls = 0
  const { h, log } = hooks(async (batches) => {
    calls++
    return batches.map(() => retriable)
  })
  const s = sender([batch(0)], h, { retries: 2 })
  s.wake()
  await s.idle()
  assert.equal(calls, 3)
  assert.deepEqual(log, [
    'retried 0: NOT_LEADER_OR_FOLLOWER',
    'retried 0: NOT_LEADER_OR_FOLLOWER',
    'failed 0: NOT_LEADER_OR_FOLLOWER'
  ])
})

test('a batch not sent for want of a leader waits without using up retries (retries 0), as Java keeps it in the accumulator', async () => {
  const noLeader = new RuleNodeError('no leader', { code: 'LEADER_NOT_AVAILABLE', retriable: true })
  let calls = 0
  const { h, log } = hooks(async (batches) => batches.map(() => (++calls <= 3 ? noLeader : 42)))
  const s = sender([batch(0)], h)
  s.wake()
  await s.idle()
  assert.equal(calls, 4)
  assert.deepEqual(log, [
    'retried 0: LEADER_NOT_AVAILABLE',
    'retried 0: LEADER_NOT_AVAILABLE',
    'retried 0: LEADER_NOT_AVAILABLE',
    'delivered 0@42'
  ])
})

test('a batch that never finds a leader fails when delivery.timeout.ms has passed', async () => {
  const noLeader = new RuleNodeError('no leader', { code: 'LEADER_NOT_AVAILABLE', retriable: true })
  const { h, log } = hooks(async (batches) => batches.map(() => noLeader))
  const s = sender([batch(0)], h, { retryBackoffMs: 5, deliveryTimeoutMs: 30 })
  s.wake()
  await s.idle()
  assert.equal(log.at(-1), 'failed 0: expired 0 after LEADER_NOT_AVAILABLE')
  assert.ok(log.slice(0, -1).every((line) => line === 'retried 0: LEADER_NOT_AVAILABLE'))
})

test('a non-retriable error fails at once; one partition failing does not fail the others of its request', async () => {
  const { h, log } = hooks(async (batches) => batches.map((b) => (b.partition === 1 ? fatal : 7)))
  const s = sender([batch(0), batch(1), batch(2)], h, { retries: 5 })
  s.wake()
  await s.idle()
  assert.deepEqual(log.sort(), ['delivered 0@7', 'delivered 2@7', 'failed 1: INVALID_RECORD'])
})

test('delivery.timeout.ms counts from the batch creation: an old batch fails as expired without being sent', async () => {
  let sent = 0
  const { h, log } = hooks(async (batches) => {
    sent += batches.length
    return batches.map(() => 1)
  })
  const s = sender([batch(0, Date.now() - 5000), batch(1)], h, { retries: 5, deliveryTimeoutMs: 1000 })
  s.wake()
  await s.idle()
  assert.equal(sent, 1)
  assert.deepEqual(log.sort(), ['delivered 1@1', 'failed 0: expired 0 after nothing'])
})

test('a batch backing off holds back its partition: the next batch of that partition goes after the retry', async () => {
  const order: string[] = []
  let first = true
  const { h } = hooks(async (batches) => {
    order.push(batches.map((b) => `${b.partition}:${b.attempts}`).join(','))
    if (first) {
      first = false
      return batches.map(() => retriable)
    }
    return batches.map(() => 0)
  })
  const a = batch(0)
  const b = batch(0)
  const pending = [a]
  const s = sender(pending, h, { retries: 3, retryBackoffMs: 20 })
  s.wake()
  // While `a` backs off, `b` of the same partition becomes ready: it must wait for `a`.
  await new Promise((resolve) => setTimeout(resolve, 5))
  pending.push(b)
  s.wake()
  await s.idle()
  assert.deepEqual(order, ['0:1', '0:2', '0:1'])
})

test("a slow broker holds back only the partitions it leads: the other broker's batches are delivered meanwhile, and each broker has its own max.in.flight", async () => {
  // Partition 0 is led by broker 1, which does not answer until released; partition 1 by broker 2.
  const leaderOf = (_topic: string, partition: number): number => (partition === 0 ? 1 : 2)
  const hung: (() => void)[] = []
  let slow = true
  const sent: string[] = []
  const { h, log } = hooks(async (batches, leader) => {
    for (const b of batches) sent.push(`${leader}:${b.partition}:${(b.records[0] as Numbered).n}`)
    if (leader === 1 && slow) await new Promise<void>((resolve) => hung.push(resolve))
    return batches.map((b) => (b.records[0] as Numbered).n)
  })
  h.leaderOf = leaderOf
  // batch.size 10: every record is a full batch of its own.
  const acc = new Accumulator<Numbered>({ batchSizeBytes: 10, lingerMs: 0, onReady: () => s.wake() })
  const s = new Sender<Numbered>({
    maxInFlight: 2,
    retries: 0,
    retryBackoffMs: 1,
    deliveryTimeoutMs: 60_000,
    maxRequestBytes: 1_000_000,
    source: acc,
    hooks: h as SenderHooks<Numbered>
  })
  for (let n = 0; n < 10; n++) {
    acc.append('t', 0, { size: 10, n })
    acc.append('t', 1, { size: 10, n })
  }
  await new Promise((resolve) => setTimeout(resolve, 20))
  assert.deepEqual(
    log.filter((line) => line.startsWith('delivered 1@')),
    Array.from({ length: 10 }, (_, n) => `delivered 1@${n}`),
    'broker 2 delivered all of partition 1 while broker 1 hung'
  )
  assert.equal(hung.length, 2, 'broker 1 got max.in.flight requests, no more')
  assert.equal(acc.records, 8, "partition 0's other batches wait in the accumulator")
  slow = false
  for (const release of hung.splice(0)) release()
  await s.idle()
  assert.deepEqual(
    sent.filter((line) => line.startsWith('1:')),
    Array.from({ length: 10 }, (_, n) => `1:0:${n}`),
    'partition 0 went to its leader in order'
  )
  assert.deepEqual(
    log.filter((line) => line.startsWith('delivered 0@')),
    Array.from({ length: 10 }, (_, n) => `delivered 0@${n}`)
  )
})

test('a partition whose leader moved waits until its batches out to the old leader have come back', async () => {
  let leader = 1
  const hung: (() => void)[] = []
  const sent: string[] = []
  const { h } = hooks(async (batches, to) => {
    for (const b of batches) sent.push(`${to}:${b.partition}`)
    if (to === 1) await new Promise<void>((resolve) => hung.push(resolve))
    return batches.map(() => 0)
  })
  h.leaderOf = () => leader
  const pending = [batch(0)]
  const s = sender(pending, h)
  s.wake()
  // The metadata now names broker 2: the next batch must not overtake the one still at broker 1.
  leader = 2
  pending.push(batch(0))
  s.wake()
  await new Promise((resolve) => setTimeout(resolve, 10))
  assert.deepEqual(sent, ['1:0'])
  for (const release of hung.splice(0)) release()
  await s.idle()
  assert.deepEqual(sent, ['1:0', '2:0'])
})

test('MESSAGE_TOO_LARGE splits a batch of several records into halves sent in its place, in order; a single record fails', async () => {
  const tooLarge = new RuleNodeError('MESSAGE_TOO_LARGE', { code: 'MESSAGE_TOO_LARGE', retriable: false })
  const big = new Batch<Rec>(bufferOf(0), Date.now())
  for (let n = 0; n < 5; n++) big.records.push({ size: 10 })
  big.bytes = 50
  const sizes: number[] = []
  const { h, log } = hooks(async (batches) =>
    batches.map((b) => {
      sizes.push(b.records.length)
      // The broker takes batches of at most two records.
      return b.records.length > 2 ? tooLarge : b.records.length
    })
  )
  const s = sender([big], h)
  s.wake()
  await s.idle()
  // 5 -> 3 + 2; 3 -> 2 + 1; then 2, 1, 2 in the partition's order.
  assert.deepEqual(sizes, [5, 3, 2, 1, 2])
  assert.deepEqual(log, ['delivered 0@2', 'delivered 0@1', 'delivered 0@2'])

  const single = new Batch<Rec>(bufferOf(1), Date.now())
  single.records.push({ size: 10 })
  single.bytes = 10
  const alone = hooks(async (batches) => batches.map(() => tooLarge))
  const t1 = sender([single], alone.h)
  t1.wake()
  await t1.idle()
  assert.deepEqual(alone.log, ['failed 1: MESSAGE_TOO_LARGE'])
})
