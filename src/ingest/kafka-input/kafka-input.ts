// A chain fed from Kafka topics as a member of a consumer group (Kafka's own group protocol, in
// the client library), at least once: a partition's offset is committed only up to the first
// record whose message, or a copy of it, is still in the chain. Records come in offset order per
// partition; messages leave in any order; the offset tracker keeps the commit behind the oldest.
//
// Backpressure: the input stops taking records while `maxInFlight` messages are in the chain or a
// node asks it to wait; the client then stops fetching once it holds `bufferedRecords`.
// A rebalance: the client rejoins at once when the coordinator asks. What is committable is
// committed at once (the old generation may still commit), and after the join the messages of
// partitions given up are awaited (at most `revokeTimeoutMs`) and committed. SIGTERM: stop
// fetching, await every message in the chain, commit, leave the group.

import type { Chain } from '../../engine/chain.js'
import type { Logger } from '../../engine/logger.js'
import { RuleNodeError, describeError } from '../../errors.js'
import type {
  Assignment,
  ConsumedRecord,
  GroupConsumer,
  GroupProtocolHooks,
  RecordSender
} from '../../kafka/client.js'
import { assignCooperatively, decodeOwned, encodeOwned } from './cooperative-assignor.js'
import { PartitionOffsets } from './offset-tracker.js'
import { recordToMessage, type RecordFormat } from './record-message.js'
import { describeClientError } from '../../kafka/errors.js'

/** The header of a dead-lettered record that says why it is not a message. */
export const DEAD_LETTER_REASON_HEADER = 'krn_dead_letter_reason'

/** What the Kafka input needs. */
export interface KafkaInputOptions {
  readonly chain: Chain
  readonly consumer: GroupConsumer
  readonly groupId: string
  readonly topics: readonly string[]
  readonly format: RecordFormat
  readonly logger: Logger
  /** Where records that are not messages go; without it they are logged, counted and skipped. */
  readonly deadLetter?: { readonly topic: string; readonly sender: RecordSender }
  /** Messages from the input in the chain at most at once. */
  readonly maxInFlight: number
  /** How often what became committable is committed. */
  readonly commitIntervalMs: number
  /** How long a rebalance or a stop waits for messages of partitions given up. */
  readonly revokeTimeoutMs: number
}

/** One partition's counts, for /metrics. */
export interface PartitionStats {
  readonly topic: string
  readonly partition: number
  readonly committed: bigint | undefined
  readonly inFlight: number
}

/** The group membership, for /healthz. */
export interface Membership {
  readonly groupId: string
  readonly memberId: string | null
  readonly generationId: number
  readonly assignments: readonly Assignment[]
}

const key = (topic: string, partition: number): string => `${topic}:${partition}`

interface Partition {
  readonly topic: string
  readonly partition: number
  readonly offsets: PartitionOffsets
  /** The offset last committed by this member. */
  committed: bigint | undefined
}

/** A running Kafka input. */
export class KafkaInput {
  readonly #options: KafkaInputOptions
  // The partitions this member holds, and those given up whose messages are still awaited.
  readonly #held = new Map<string, Partition>()
  readonly #leaving = new Set<Partition>()
  #inFlight = 0
  #wake: (() => void) | undefined
  #stopping = false
  #committing: Promise<void> = Promise.resolve()
  readonly #timer: NodeJS.Timeout
  #recordsIn = 0
  #deadLettered = 0
  #rebalances = 0
  readonly #committedTotals = new Map<string, { topic: string; partition: number; offset: bigint }>()

  /**
   * Opens the group consumer with this input's way of sharing partitions (see
   * cooperative-assignor.ts) and starts an input on it; `run` then takes records.
   */
  static async start(
    options: Omit<KafkaInputOptions, 'consumer'>,
    open: (hooks: GroupProtocolHooks) => Promise<GroupConsumer>
  ): Promise<KafkaInput> {
    // Filled in once the consumer is open; its first join finds nothing owned.
    const holder: { input?: KafkaInput } = {}
    const consumer = await open({
      userData: () => encodeOwned(holder.input?.ownedPartitions() ?? []),
      assign: (members, counts) =>
        assignCooperatively(
          members.map((m) => ({ memberId: m.memberId, topics: m.topics, owned: decodeOwned(m.userData) })),
          counts
        )
    })
    const input = new KafkaInput({ ...options, consumer })
    holder.input = input
    return input
  }

  constructor(options: KafkaInputOptions) {
    this.#options = options
    this.#assign(options.consumer.assignments())
    options.consumer.onJoin((assignments) => {
      this.#rebalances++
      this.#assign(assignments)
    })
    // The coordinator is rebalancing: commit at once what is done, while this generation may.
    options.consumer.onRebalance(() => void this.commit())
    this.#timer = setInterval(() => void this.commit(), options.commitIntervalMs)
    this.#timer.unref()
  }

  /** Records taken from Kafka (dead-lettered ones included). */
  get recordsIn(): number {
    return this.#recordsIn
  }

  /** Records that were not messages. */
  get deadLettered(): number {
    return this.#deadLettered
  }

  /** Group joins after the first. */
  get rebalances(): number {
    return this.#rebalances
  }

  /** Messages from this input still in the chain. */
  get inFlight(): number {
    return this.#inFlight
  }

  membership(): Membership {
    const consumer = this.#options.consumer
    return {
      groupId: this.#options.groupId,
      memberId: consumer.memberId,
      generationId: consumer.generationId,
      assignments: consumer.assignments()
    }
  }

  /** The offset this member committed last, for each partition it holds or is finishing. */
  committedOffsets(): readonly { topic: string; partition: number; offset: bigint }[] {
    return [...this.#committedTotals.values()]
  }

  /** The partitions held now. */
  partitions(): PartitionStats[] {
    return [...this.#held.values()].map((p) => ({
      topic: p.topic,
      partition: p.partition,
      committed: p.committed,
      inFlight: p.offsets.inFlight
    }))
  }

  /** Consumer lag per held partition: end offset minus committed offset (the whole partition when none). */
  async lag(): Promise<{ topic: string; partition: number; lag: bigint }[]> {
    const held = [...this.#held.values()]
    if (held.length === 0) return []
    const ends = await this.#options.consumer.endOffsets([...new Set(held.map((p) => p.topic))])
    return held.map((p) => {
      const end = ends.get(p.topic)?.[p.partition] ?? 0n
      return { topic: p.topic, partition: p.partition, lag: end - (p.committed ?? 0n) }
    })
  }

  /** The partitions this member owns: those it holds and those it is still finishing. */
  ownedPartitions(): Assignment[] {
    const byTopic = new Map<string, number[]>()
    for (const p of [...this.#held.values(), ...this.#leaving]) {
      const list = byTopic.get(p.topic) ?? []
      list.push(p.partition)
      byTopic.set(p.topic, list)
    }
    return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }))
  }

  /** Takes records until `stop`; rejects when the client fails for good. */
  async run(): Promise<void> {
    try {
      for await (const record of this.#options.consumer.records) {
        if (this.#stopping) break
        const partition = this.#held.get(key(record.topic, record.partition))
        // Fetched before a rebalance gave the partition away, or fetched again from the committed
        // offset after one: the new owner, or the message already taken, has it.
        if (partition === undefined || !partition.offsets.isNew(record.offset)) continue
        await this.#take(record, partition)
        while (this.#inFlight >= this.#options.maxInFlight && !this.#stopping) {
          await new Promise<void>((resolve) => (this.#wake = resolve))
        }
      }
    } catch (error) {
      // Once stopping, the stream may end in an error (the group falls apart while every member
      // leaves at once): stop() commits what left and leaves, so the run has not failed.
      if (!this.#stopping) throw error
      this.#options.logger.info(`kafka input: reading ended while stopping: ${describeError(error)}`)
    }
  }

  async #take(record: ConsumedRecord, partition: Partition): Promise<void> {
    this.#recordsIn++
    let msg
    try {
      msg = recordToMessage(record, this.#options.format)
    } catch (error) {
      const reason = error instanceof RuleNodeError ? error.message : describeError(error)
      this.#deadLettered++
      this.#deadLetter(record, partition, reason)
      return
    }
    const offset = record.offset
    partition.offsets.take(offset)
    this.#inFlight++
    const accepted = this.#options.chain.push(msg, () => {
      partition.offsets.finish(offset)
      this.#left()
    })
    if (accepted !== undefined) await accepted
  }

  #left(): void {
    this.#inFlight--
    const wake = this.#wake
    this.#wake = undefined
    wake?.()
  }

  /** A record that is not a message: to the dead-letter topic, and committed once it is there. */
  #deadLetter(record: ConsumedRecord, partition: Partition, reason: string): void {
    const where = `${record.topic}[${record.partition}]@${record.offset}`
    const deadLetter = this.#options.deadLetter
    if (deadLetter === undefined) {
      this.#options.logger.warn(`kafka input: skipped record ${where}: ${reason}`)
      partition.offsets.takeDone(record.offset)
      return
    }
    partition.offsets.take(record.offset)
    const headers = new Map<string, Buffer>()
    for (const [name, value] of record.headers) headers.set(name.toString('utf8'), value)
    headers.set(DEAD_LETTER_REASON_HEADER, Buffer.from(`${where}: ${reason}`, 'utf8'))
    const send = async (): Promise<void> => {
      // Until it is there: its offset is not committed meanwhile, so a crash reads it again.
      for (let attempt = 1; ; attempt++) {
        try {
          await deadLetter.sender.send({
            topic: deadLetter.topic,
            key: record.key,
            value: record.value,
            headers
          })
          break
        } catch (error) {
          if (this.#stopping) return
          this.#options.logger.error(
            `kafka input: dead-lettering ${where} to ${deadLetter.topic} failed (attempt ${attempt}): ${describeClientError(error)}`
          )
          await new Promise((resolve) => setTimeout(resolve, Math.min(1000 * attempt, 10_000)))
        }
      }
      partition.offsets.finish(record.offset)
    }
    void send()
  }

  #assign(assignments: readonly Assignment[]): void {
    const now = new Set<string>()
    for (const { topic, partitions } of assignments) {
      for (const p of partitions) {
        now.add(key(topic, p))
        if (this.#held.has(key(topic, p))) continue
        // Given back while still being finished here: its messages in flight stay accounted.
        const back = [...this.#leaving].find((l) => l.topic === topic && l.partition === p)
        if (back !== undefined) {
          this.#leaving.delete(back)
          this.#held.set(key(topic, p), back)
        } else {
          this.#held.set(key(topic, p), {
            topic,
            partition: p,
            offsets: new PartitionOffsets(),
            committed: undefined
          })
        }
      }
    }
    const gone: Partition[] = []
    for (const [name, partition] of this.#held) {
      if (now.has(name)) continue
      this.#held.delete(name)
      this.#leaving.add(partition)
      gone.push(partition)
    }
    if (gone.length > 0) void this.#giveUp(gone)
  }

  /** Awaits the messages of partitions given up (bounded), commits them, forgets them. */
  async #giveUp(gone: readonly Partition[]): Promise<void> {
    await this.#until(() => gone.every((p) => p.offsets.inFlight === 0), this.#options.revokeTimeoutMs)
    const late = gone.filter((p) => p.offsets.inFlight > 0)
    if (late.length > 0) {
      this.#options.logger.warn(
        `kafka input: ${late.map((p) => key(p.topic, p.partition)).join(', ')} given up with messages still in the chain after ${this.#options.revokeTimeoutMs} ms; their new owner reads them again`
      )
    }
    await this.commit()
    let released = false
    for (const p of gone) {
      if (!this.#leaving.delete(p)) continue
      released = true
      this.#committedTotals.delete(key(p.topic, p.partition))
    }
    // The partitions were given to nobody while they were finished here: rejoining without them
    // starts the rebalance that gives them to their new owner.
    if (released && !this.#stopping) {
      await this.#options.consumer.rejoin().catch((error: unknown) => {
        this.#options.logger.warn(`kafka input: rejoining the group failed: ${describeError(error)}`)
      })
    }
  }

  /** Resolves once `done()` holds or `timeoutMs` passed; checks as messages leave. */
  async #until(done: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
  }

  /** Commits, for each partition held or being given up, what became committable. One at a time. */
  commit(): Promise<void> {
    const next = this.#committing.then(() => this.#commitNow())
    this.#committing = next
    return next
  }

  async #commitNow(): Promise<void> {
    const due: Partition[] = []
    const offsets: { topic: string; partition: number; offset: bigint }[] = []
    for (const p of [...this.#held.values(), ...this.#leaving]) {
      const offset = p.offsets.committable()
      if (offset === undefined || offset === p.committed) continue
      due.push(p)
      offsets.push({ topic: p.topic, partition: p.partition, offset })
    }
    if (offsets.length === 0) return
    try {
      await this.#options.consumer.commit(offsets)
    } catch (error) {
      // Committed again at the next interval; until then a restart reads some records again.
      this.#options.logger.warn(`kafka input: commit failed: ${describeClientError(error)}`)
      return
    }
    due.forEach((p, i) => {
      const { offset } = offsets[i] as (typeof offsets)[number]
      p.committed = offset
      this.#committedTotals.set(key(p.topic, p.partition), { topic: p.topic, partition: p.partition, offset })
    })
  }

  /**
   * Stops: no more records, every message taken leaves the chain (at most `revokeTimeoutMs`),
   * what left is committed, the member leaves the group.
   */
  async stop(): Promise<void> {
    if (this.#stopping) return
    this.#stopping = true
    this.#wake?.()
    clearInterval(this.#timer)
    const bound = this.#options.revokeTimeoutMs
    await this.#bounded('stop fetching', this.#options.consumer.stopFetching(), bound)
    // Nothing more comes in: a node that lingers sends what it holds now.
    this.#options.chain.endOfInput()
    await this.#until(() => this.#inFlight === 0, bound)
    if (this.#inFlight > 0) {
      this.#options.logger.warn(
        `kafka input: ${this.#inFlight} message(s) still in the chain after ${bound} ms; not committed, read again after a restart`
      )
    }
    await this.#bounded('the last commit', this.commit(), bound)
    await this.#bounded('leaving the group', this.#options.consumer.close(), bound)
    const deadLetter = this.#options.deadLetter
    if (deadLetter !== undefined)
      await this.#bounded('closing the dead-letter sender', deadLetter.sender.close(), bound)
  }

  /**
   * Waits for a step of stopping, at most `ms`: a client call that never answers (a coordinator
   * gone in mid-rebalance) must not keep a stopping service from exiting. What it did not do is
   * safe: an offset not committed is read again; a member that did not leave is dropped after
   * the session timeout.
   */
  async #bounded(what: string, step: Promise<void>, ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)))
    try {
      const result = await Promise.race([step.then(() => 'done' as const), late])
      if (result === 'late') this.#options.logger.warn(`kafka input: ${what} took over ${ms} ms; going on`)
    } catch (error) {
      this.#options.logger.warn(`kafka input: ${what} failed: ${describeError(error)}`)
    } finally {
      clearTimeout(timer)
    }
  }
}
