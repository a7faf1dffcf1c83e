import { test } from 'node:test'
import assert from 'node:assert/strict'
import { RuleNodeError } from '../../../src/errors.js'
import { Batch } from '../../../src/nodes/kafka/accumulator.js'
import { Sender, type BatchSource, type SenderHooks } from '../../../src/nodes/kafka/sender.js'

interface Rec {
  readonly size: number
}

const batch = (partition: number, createdAt = Date.now()): Batch<Rec> => {
  const b = new Batch<Rec>('t', partition, createdAt)
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
    drain(_max, busy) {
      const out: Batch<Rec>[] = []
      const seen = new Set<string>(busy)
      for (const b of [...batches]) {
        if (seen.has(b.id)) continue
        seen.add(b.id)
        out.push(b)
        batches.splice(batches.indexOf(b), 1)
      }
      return out
    }
  }
}

const retriable = new RuleNodeError('NOT_LEADER_OR_FOLLOWER', {
  code: 'NOT_LEADER_OR_FOLLOWER',
  retriable: true
})
const fatal = new RuleNodeError('INVALID_RECORD', { code: 'INVALID_RECORD', retriable: false })

function hooks(produce: SenderHooks<Rec>['produce']) {
  const log: string[] = []
  const h: SenderHooks<Rec> = {
    produce,
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
  const sender = new Sender<Rec>(
    2,
    0,
    10,
    60_000,
    1_000_000,
    source(Array.from({ length: 10 }, () => batch(3))),
    h
  )
  sender.wake()
  await sender.idle()
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
  const sender = new Sender<Rec>(5, 2, 1, 60_000, 1_000_000, source([batch(0)]), h)
  sender.wake()
  await sender.idle()
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
  const sender = new Sender<Rec>(5, 0, 1, 60_000, 1_000_000, source([batch(0)]), h)
  sender.wake()
  await sender.idle()
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
  const sender = new Sender<Rec>(5, 0, 5, 30, 1_000_000, source([batch(0)]), h)
  sender.wake()
  await sender.idle()
  assert.equal(log.at(-1), 'failed 0: expired 0 after LEADER_NOT_AVAILABLE')
  assert.ok(log.slice(0, -1).every((line) => line === 'retried 0: LEADER_NOT_AVAILABLE'))
})

test('a non-retriable error fails at once; one partition failing does not fail the others of its request', async () => {
  const { h, log } = hooks(async (batches) => batches.map((b) => (b.partition === 1 ? fatal : 7)))
  const sender = new Sender<Rec>(5, 5, 1, 60_000, 1_000_000, source([batch(0), batch(1), batch(2)]), h)
  sender.wake()
  await sender.idle()
  assert.deepEqual(log.sort(), ['delivered 0@7', 'delivered 2@7', 'failed 1: INVALID_RECORD'])
})

test('delivery.timeout.ms counts from the batch creation: an old batch fails as expired without being sent', async () => {
  let sent = 0
  const { h, log } = hooks(async (batches) => {
    sent += batches.length
    return batches.map(() => 1)
  })
  const sender = new Sender<Rec>(5, 5, 1, 1000, 1_000_000, source([batch(0, Date.now() - 5000), batch(1)]), h)
  sender.wake()
  await sender.idle()
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
  const sender = new Sender<Rec>(5, 3, 20, 60_000, 1_000_000, source(pending), h)
  sender.wake()
  // While `a` backs off, `b` of the same partition becomes ready: it must wait for `a`.
  await new Promise((resolve) => setTimeout(resolve, 5))
  pending.push(b)
  sender.wake()
  await sender.idle()
  assert.deepEqual(order, ['0:1', '0:2', '0:1'])
})
