// Real faults on a three-broker Apache Kafka cluster (KRaft, 4.1): the Kafka node is driven
// through the chain runtime at a steady pace while a broker is killed, two brokers stop, the
// cluster restarts broker by broker, the topic is deleted, or a broker hangs. For each scenario
// every message must leave the node exactly once, the Success offsets must be exactly the
// records a consumer (kcat, an independent client) reads back, and with idempotence there must be
// no duplicates. A table at the end shows what each fault cost.

import { after, before, test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { Kafka, logLevel, type Admin } from 'kafkajs'
import { startKafka, type KafkaCluster } from '../../reference/kafka/cluster.js'
import { kafkaChain, type KafkaChain } from '../helpers/kafka-chain.js'
import { makeMsg } from '../helpers/messages.js'
import { uniqueTopic } from '../helpers/broker.js'
import { kcatConsume } from '../helpers/kcat.js'

const PARTITIONS = 6
// One message every 10 ms: a steady stream, so that requests are under way whenever a fault hits.
const PACE_MS = 10
const REQUEST_TIMEOUT_MS = 4000
const DELIVERY_TIMEOUT_MS = 30_000

let cluster: KafkaCluster
let kafka: Kafka
const rows: Row[] = []

interface Row {
  readonly scenario: string
  readonly messagesIn: number
  readonly success: number
  readonly failure: number
  readonly duplicates: number
  readonly recoverMs: number | undefined
  readonly longestStallMs: number
  /** The longest wait between Successes on partitions the fault did not hit (Java's keep flowing). */
  readonly untouchedStallMs: number | undefined
}

before(async () => {
  cluster = await startKafka({ brokers: 3, heapMb: 384 })
  kafka = new Kafka({
    clientId: 'cluster-faults',
    brokers: cluster.bootstrap().split(','),
    logLevel: logLevel.NOTHING
  })
})

/**
 * One admin connection per use, closed before the next fault: a kafkajs admin left connected to a
 * broker that is then killed can reject on its own, outside any call, and fail whichever test runs.
 */
async function withAdmin<T>(use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    return await use(admin)
  } finally {
    await admin.disconnect()
  }
}

after(async () => {
  const header = [
    'scenario',
    'messages in',
    'Success',
    'Failure',
    'duplicates in topic',
    'time to recover',
    'longest Success gap',
    'gap on partitions not hit'
  ]
  const lines = rows.map((r) => [
    r.scenario,
    String(r.messagesIn),
    String(r.success),
    String(r.failure),
    String(r.duplicates),
    r.recoverMs === undefined ? 'none' : `${r.recoverMs} ms`,
    `${r.longestStallMs} ms`,
    r.untouchedStallMs === undefined ? '-' : `${r.untouchedStallMs} ms`
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)))
  const format = (cells: string[]): string =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`
  console.log(['', format(header), format(widths.map((w) => '-'.repeat(w))), ...lines.map(format)].join('\n'))
  await cluster?.stop()
})

/** A topic of PARTITIONS partitions, three replicas, two of them needed in sync for acks=all. */
async function createTopic(prefix: string): Promise<string> {
  const topic = uniqueTopic(prefix)
  await withAdmin((admin) =>
    admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          numPartitions: PARTITIONS,
          replicationFactor: 3,
          configEntries: [{ name: 'min.insync.replicas', value: '2' }]
        }
      ]
    })
  )
  await waitFullIsr(topic)
  return topic
}

/**
 * A topic whose partitions 0 and 1 are led by `victim` while the others live only on the two other
 * brokers: a fault of `victim` hits 0 and 1 and nothing else on
 * the brokers' side, so any wait on the other partitions is the producer's own.
 */
async function createTopicAround(prefix: string, victim: number): Promise<string> {
  const topic = uniqueTopic(prefix)
  const [a, b] = [1, 2, 3].filter((id) => id !== victim) as [number, number]
  // Kafka takes an assignment only with one replica count for every partition: two each.
  const replicas = [
    [victim, a],
    [victim, b],
    [a, b],
    [b, a],
    [a, b],
    [b, a]
  ]
  await withAdmin((admin) =>
    admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          replicaAssignment: replicas.map((r, partition) => ({ partition, replicas: r })),
          configEntries: [{ name: 'min.insync.replicas', value: '2' }]
        }
      ]
    })
  )
  await waitFullIsr(topic)
  return topic
}

/** Leader broker id by partition. */
async function leaders(topic: string): Promise<Map<number, number>> {
  const metadata = await withAdmin((admin) => admin.fetchTopicMetadata({ topics: [topic] }))
  const partitions = metadata.topics[0]?.partitions ?? []
  return new Map(partitions.map((p) => [p.partitionId, p.leader]))
}

/** The partitions of `topic` that broker `id` leads now: those a fault of that broker hits. */
async function ledBy(topic: string, id: number): Promise<Set<number>> {
  return new Set([...(await leaders(topic))].filter(([, leader]) => leader === id).map(([p]) => p))
}

/** Every partition: a fault of the whole topic or cluster hits them all. */
const allPartitions = (): Set<number> => new Set(Array.from({ length: PARTITIONS }, (_, p) => p))

/** Waits until every partition of `topic` has a leader and all its replicas in sync. */
async function waitFullIsr(topic: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      const metadata = await withAdmin((admin) => admin.fetchTopicMetadata({ topics: [topic] }))
      const partitions = metadata.topics[0]?.partitions ?? []
      if (
        partitions.length === PARTITIONS &&
        partitions.every((p) => p.leader >= 0 && p.isr.length === p.replicas.length)
      )
        return
    } catch {
      // A broker coming back: ask again.
    }
    if (Date.now() > deadline) throw new Error(`topic ${topic} did not get three in-sync replicas`)
    await sleep(250)
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** The node's configuration: all three brokers, acks=all, Java's retries, idempotence. */
function nodeConfig(topic: string): unknown {
  return {
    topicPattern: topic,
    keyPattern: '${n}',
    bootstrapServers: cluster.bootstrap(),
    acks: '-1',
    // The Java producer's default with idempotence: retry until delivery.timeout.ms.
    retries: 2147483647,
    otherProperties: {
      'enable.idempotence': 'true',
      'retry.backoff.ms': '100',
      'request.timeout.ms': String(REQUEST_TIMEOUT_MS),
      'delivery.timeout.ms': String(DELIVERY_TIMEOUT_MS)
    }
  }
}

/** Feeds messages at a steady pace until stopped; remembers when each entered. */
class Feeder {
  readonly enteredAt = new Map<string, number>()
  #stopped = false
  readonly #done: Promise<void>

  constructor(
    readonly node: KafkaChain,
    readonly prefix: string
  ) {
    this.#done = this.#run()
  }

  get count(): number {
    return this.enteredAt.size
  }

  async #run(): Promise<void> {
    let next = Date.now()
    for (let n = 0; !this.#stopped; n++) {
      const id = randomUUID()
      const value = `${this.prefix}-${n}-${id}`
      this.enteredAt.set(value, Date.now())
      await this.node.chain.push(makeMsg({ id, metadata: { n: String(n) }, data: value }))
      next += PACE_MS
      const wait = next - Date.now()
      if (wait > 0) await sleep(wait)
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true
    await this.#done
  }
}

/** Every record of `topic`, read back to the end of each partition by kcat: `partition offset value`. */
async function readBack(topic: string): Promise<string[]> {
  const records = await kcatConsume(cluster.bootstrap(), topic, 'all', '%p %o %s')
  // kcat stops at each partition's end as it sees it; check that end is the high watermark.
  const ends = await withAdmin((admin) => admin.fetchTopicOffsets(topic))
  const expected = ends.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0)
  if (records.length !== expected)
    throw new Error(`kcat read ${records.length} records of ${topic}, the high watermarks say ${expected}`)
  return records
}

interface Outcome {
  readonly messagesIn: number
  /** `partition offset value` per Success. */
  readonly success: string[]
  readonly failures: string[]
  readonly consumed: string[]
  readonly duplicates: number
  readonly exitsPerMessage: Map<string, number>
  /** The longest wait between Successes on partitions the fault did not hit. */
  readonly untouchedStallMs: number | undefined
}

/**
 * Runs one scenario: `quietMs` of traffic, then `fault` (which returns the partitions it hit and
 * when it started), then `tailMs` more traffic; drains the node and reads the topic back.
 */
async function scenario(
  t: TestContext,
  name: string,
  topic: string,
  fault: () => Promise<{ at: number; hit: ReadonlySet<number>; endedAt: number }>,
  options: { quietMs?: number; tailMs?: number; readTopic?: boolean } = {}
): Promise<Outcome> {
  const node = await kafkaChain(t, nodeConfig(topic))
  const feeder = new Feeder(node, name.split(' ')[0] ?? name)
  await sleep(options.quietMs ?? 1500)
  const { at, hit } = await fault()
  await sleep(options.tailMs ?? 2000)
  await feeder.stop()
  await node.chain.drain()

  const exitsPerMessage = new Map<string, number>()
  const success: string[] = []
  const failures: string[] = []
  let recoverMs: number | undefined
  const successTimes: number[] = []
  const untouchedTimes: number[] = []
  node.exits.forEach((exit, i) => {
    const value = exit.msg.data
    exitsPerMessage.set(value, (exitsPerMessage.get(value) ?? 0) + 1)
    const exitedAt = node.exitedAt[i] ?? 0
    if (exit.relation === 'Success') {
      const partition = Number(exit.msg.metadata.partition)
      success.push(`${partition} ${exit.msg.metadata.offset} ${value}`)
      successTimes.push(exitedAt)
      if (!hit.has(partition)) untouchedTimes.push(exitedAt)
      // Recovered: a message that entered after the fault reached a partition the fault hit.
      const entered = feeder.enteredAt.get(value) ?? 0
      if (entered >= at && hit.has(partition) && (recoverMs === undefined || exitedAt - at < recoverMs))
        recoverMs = exitedAt - at
    } else {
      failures.push(`${exit.relation}: ${exit.msg.metadata.errorDetail ?? exit.msg.metadata.error ?? ''}`)
    }
  })
  const longestGap = (times: number[]): number => {
    times.sort((a, b) => a - b)
    let gap = 0
    for (let i = 1; i < times.length; i++) gap = Math.max(gap, (times[i] ?? 0) - (times[i - 1] ?? 0))
    return gap
  }
  const longestStallMs = longestGap(successTimes)
  const untouchedStallMs = untouchedTimes.length === 0 ? undefined : longestGap(untouchedTimes)

  const consumed = options.readTopic === false ? [] : await readBack(topic)
  const values = consumed.map((line) => line.split(' ')[2])
  const duplicates = values.length - new Set(values).size
  rows.push({
    scenario: name,
    messagesIn: feeder.count,
    success: success.length,
    failure: failures.length,
    duplicates,
    recoverMs,
    longestStallMs,
    untouchedStallMs
  })
  const distinctFailures = [...new Set(failures.map((f) => f.replace(/\d+ record\(s\)/, 'N record(s)')))]
  if (distinctFailures.length > 0) t.diagnostic(`failures: ${distinctFailures.slice(0, 5).join(' | ')}`)
  return {
    messagesIn: feeder.count,
    success,
    failures,
    consumed,
    duplicates,
    exitsPerMessage,
    untouchedStallMs
  }
}

/** What every scenario must show: each message left once, Success is exactly the topic, no duplicates. */
function assertExact(outcome: Outcome): void {
  assert.equal(outcome.exitsPerMessage.size, outcome.messagesIn, 'every message left the node')
  assert.deepEqual(
    [...outcome.exitsPerMessage.values()].filter((count) => count !== 1),
    [],
    'no message left twice'
  )
  assert.equal(outcome.success.length + outcome.failures.length, outcome.messagesIn)
  assert.equal(outcome.duplicates, 0, 'no duplicates in the topic with idempotence')
  const consumed = new Set(outcome.consumed)
  const success = new Set(outcome.success)
  // Differences listed (a few), not two arrays of thousands: what went wrong must be readable.
  assert.deepEqual(
    {
      successNotInTopic: outcome.success.filter((r) => !consumed.has(r)).slice(0, 10),
      inTopicNotSuccess: outcome.consumed.filter((r) => !success.has(r)).slice(0, 10)
    },
    { successNotInTopic: [], inTopicNotSuccess: [] },
    'Success is exactly the topic'
  )
  assert.equal(outcome.consumed.length, outcome.success.length)
}

test(
  'SIGKILL of a partition leader mid-run, then its restart: every message on Success, no duplicates',
  { timeout: 120_000 },
  async (t) => {
    const topic = await createTopic('kill-leader')
    const victim = (await leaders(topic)).get(0) as number
    const outcome = await scenario(t, 'SIGKILL leader', topic, async () => {
      const hit = await ledBy(topic, victim)
      const at = Date.now()
      cluster.signal(victim, 'SIGKILL')
      await sleep(4000)
      await cluster.restart(victim)
      return { at, hit, endedAt: Date.now() }
    })
    assertExact(outcome)
    assert.deepEqual(outcome.failures, [])
    await waitFullIsr(topic)
  }
)

test(
  'two of three brokers stopped (below min.insync.replicas) and brought back: messages wait, then succeed',
  { timeout: 150_000 },
  async (t) => {
    const topic = await createTopic('two-down')
    const outcome = await scenario(t, 'two brokers stopped', topic, async () => {
      const at = Date.now()
      await Promise.all([cluster.stopBroker(2), cluster.stopBroker(3)])
      await sleep(3000)
      await cluster.restart(2, 3)
      return { at, hit: allPartitions(), endedAt: Date.now() }
    })
    assertExact(outcome)
    assert.deepEqual(outcome.failures, [])
    await waitFullIsr(topic)
  }
)

test(
  'rolling restart of all three brokers (SIGTERM, restart, next): every message on Success',
  { timeout: 200_000 },
  async (t) => {
    const topic = await createTopic('rolling')
    const outcome = await scenario(t, 'rolling restart', topic, async () => {
      const at = Date.now()
      const hit = await ledBy(topic, 1)
      for (const id of [1, 2, 3]) {
        await cluster.stopBroker(id)
        await cluster.restart(id)
        await waitFullIsr(topic)
      }
      return { at, hit, endedAt: Date.now() }
    })
    assertExact(outcome)
    assert.deepEqual(outcome.failures, [])
  }
)

test(
  'SIGSTOP of a leader for longer than request.timeout.ms, then SIGCONT: every message on Success',
  { timeout: 120_000 },
  async (t) => {
    const topic = await createTopic('hang')
    const victim = (await leaders(topic)).get(0) as number
    const outcome = await scenario(t, 'SIGSTOP leader', topic, async () => {
      const hit = await ledBy(topic, victim)
      const at = Date.now()
      cluster.signal(victim, 'SIGSTOP')
      await sleep(REQUEST_TIMEOUT_MS + 3000)
      cluster.signal(victim, 'SIGCONT')
      return { at, hit, endedAt: Date.now() }
    })
    assertExact(outcome)
    assert.deepEqual(outcome.failures, [])
    // The partitions other brokers lead wait too, on the brokers' side: the hung broker is their
    // follower, and acks=all waits for the whole ISR until the controller fences it
    // (broker.session.timeout.ms), as it does for the Java producer. The next test takes that away.
    await waitFullIsr(topic)
  }
)

test(
  "SIGSTOP of one broker: the partitions the other brokers lead keep going, as with the Java producer's per-broker requests",
  { timeout: 120_000 },
  async (t) => {
    const victim = 2
    const topic = await createTopicAround('hang-one', victim)
    const outcome = await scenario(t, 'SIGSTOP, others apart', topic, async () => {
      const hit = await ledBy(topic, victim)
      const at = Date.now()
      cluster.signal(victim, 'SIGSTOP')
      await sleep(REQUEST_TIMEOUT_MS + 3000)
      cluster.signal(victim, 'SIGCONT')
      return { at, hit, endedAt: Date.now() }
    })
    assertExact(outcome)
    assert.deepEqual(outcome.failures, [])
    // In-flight requests are counted per broker and each broker's request completes on its own:
    // the hung broker holds back only the partitions it leads, never for request.timeout.ms.
    assert.ok(
      outcome.untouchedStallMs !== undefined && outcome.untouchedStallMs < REQUEST_TIMEOUT_MS / 4,
      `the other brokers' partitions kept going (longest Success gap ${String(outcome.untouchedStallMs)} ms)`
    )
    await waitFullIsr(topic)
  }
)

test(
  'topic deleted mid-run: every message leaves once, on Success or Failure; what the recreated topic holds was reported on Success',
  { timeout: 120_000 },
  async (t) => {
    const topic = await createTopic('deleted')
    const outcome = await scenario(t, 'topic deleted', topic, async () => {
      const at = Date.now()
      await withAdmin((admin) => admin.deleteTopics({ topics: [topic] }))
      return { at, hit: allPartitions(), endedAt: Date.now() }
    })
    assert.equal(outcome.exitsPerMessage.size, outcome.messagesIn, 'every message left the node')
    assert.deepEqual(
      [...outcome.exitsPerMessage.values()].filter((count) => count !== 1),
      [],
      'no message left twice'
    )
    assert.equal(outcome.success.length + outcome.failures.length, outcome.messagesIn)
    // The old topic's records are gone with it: only the topic the node's metadata requests
    // auto-created (as a Java producer's do: the broker's num.partitions=1, one replica) can be
    // read. Each of its records must be a Success at exactly that partition and offset.
    const success = new Set(outcome.success)
    assert.deepEqual(
      outcome.consumed.filter((r) => !success.has(r)),
      [],
      'every record of the recreated topic went out on Success'
    )
    assert.equal(outcome.duplicates, 0)
    const metadata = await withAdmin((admin) => admin.fetchTopicMetadata({ topics: [topic] }))
    t.diagnostic(
      `recreated with ${metadata.topics[0]?.partitions.length} partition(s); ${outcome.consumed.length} records in it`
    )
  }
)
