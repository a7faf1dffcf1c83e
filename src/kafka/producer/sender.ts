// The Java producer's Sender: it drains ready batches per broker, only for brokers with fewer than
// max.in.flight.requests.per.connection requests out (a broker that is slow or gone holds back
// only the partitions it leads; theirs stay in the accumulator), batches to retry first, at most
// one per partition and at most max.request.size per request, and each broker's request completes
// on its own. A retriable failure sends the batch again after retry.backoff.ms, up to `retries`
// times and never past its delivery deadline: delivery.timeout.ms from the batch's creation, as
// Java counts it (KIP-91).

import type { RuleNodeError } from '../../errors.js'
import { fits, type DrainOptions } from './accumulator.js'
import { failed, type BatchOutcome } from './batch-outcome.js'
import { splitBatch, type Batch, type PartitionBuffer, type Sized } from './partition-buffer.js'

/** Where the sender takes batches from (the accumulator). */
export interface BatchSource<R extends Sized> {
  readonly records: number
  drain(maxBytes: number, options: DrainOptions<R>): Batch<R>[]
}

/** What the sender does with batches; the producer supplies it. */
export interface SenderHooks<R extends Sized> {
  /**
   * The partition's leader (node id) as the metadata cache knows it, -1 when it does not (that
   * request looks it up). Without this hook every partition counts as led by one broker.
   */
  leaderOf?(topic: string, partition: number): number
  /**
   * Sends the batches, all for `leader` (-1: look the leaders up), in one request; per batch,
   * appended at its base offset (-1 when acks=0) or failed with what went wrong. Never rejects.
   */
  produce(batches: Batch<R>[], leader: number): Promise<BatchOutcome[]>
  /** Maps what went wrong to an error with a retry decision. */
  toError(error: Error, batch: Batch<R>): RuleNodeError
  /** The deadline passed before the batch could be delivered. */
  expired(batch: Batch<R>, last: RuleNodeError | undefined): RuleNodeError
  delivered(batch: Batch<R>, baseOffset: number): void
  failed(batch: Batch<R>, error: RuleNodeError): void
  retried(batch: Batch<R>, error: RuleNodeError): void
  /** False when the batch never left (no leader known): such a try does not count against `retries`. */
  wasSent(error: RuleNodeError): boolean
  /** The batch was split in two (too large for the broker); its halves are sent in its place. */
  split?(batch: Batch<R>, halves: readonly [Batch<R>, Batch<R>]): void
}

/** The sender's limits (the Java producer's properties). */
export interface SenderOptions<R extends Sized> {
  /** max.in.flight.requests.per.connection: requests out at once per broker. */
  readonly maxInFlight: number
  readonly retries: number
  readonly retryBackoffMs: number
  readonly deliveryTimeoutMs: number
  /** max.request.size: bytes of batches per request. */
  readonly maxRequestBytes: number
  readonly source: BatchSource<R>
  readonly hooks: SenderHooks<R>
}

/** Sends drained batches with bounded concurrency per broker and Java's retry rules. */
export class Sender<R extends Sized> {
  readonly maxInFlight: number
  readonly retries: number
  readonly retryBackoffMs: number
  readonly deliveryTimeoutMs: number
  readonly maxRequestBytes: number
  readonly source: BatchSource<R>
  readonly hooks: SenderHooks<R>
  /** Batches whose backoff has passed, to send before anything new. */
  readonly #retry: Batch<R>[] = []
  /** Partitions with a batch backing off (its count in the buffer): nothing newer of theirs goes out before it. */
  readonly #backingOff = new Set<PartitionBuffer<R>>()
  /** Requests out per broker (-1: requests that look their leaders up). */
  readonly #perLeader = new Map<number, number>()
  #inFlight = 0
  #idle: (() => void)[] = []
  readonly #leaderOf: (batch: Batch<R>) => number | undefined

  constructor(options: SenderOptions<R>) {
    this.maxInFlight = options.maxInFlight
    this.retries = options.retries
    this.retryBackoffMs = options.retryBackoffMs
    this.deliveryTimeoutMs = options.deliveryTimeoutMs
    this.maxRequestBytes = options.maxRequestBytes
    this.source = options.source
    this.hooks = options.hooks
    this.#leaderOf = (batch) => this.#route(batch)
  }

  /** Produce requests under way, to all brokers. */
  get inFlight(): number {
    return this.#inFlight
  }

  /** Batches waiting to be sent again. */
  get queued(): number {
    return this.#retry.length + this.#backingOff.size
  }

  /** Something is ready: send it if there is room. */
  wake(): void {
    this.#pump()
  }

  /** Resolves when nothing is in flight, backing off or left in the source. */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve()
    return new Promise((resolve) => this.#idle.push(resolve))
  }

  #isIdle(): boolean {
    return (
      this.#inFlight === 0 &&
      this.#retry.length === 0 &&
      this.#backingOff.size === 0 &&
      this.source.records === 0
    )
  }

  #pump(): void {
    for (;;) {
      const batches = this.#take()
      if (batches.length === 0) break
      const live = this.#dropExpired(batches)
      if (live.length === 0) continue
      // One request per broker, each completing on its own.
      const leader = (live[0] as Batch<R>).leader
      if (live.every((batch) => batch.leader === leader)) {
        void this.#send(live, leader)
        continue
      }
      const requests = new Map<number, Batch<R>[]>()
      for (const batch of live) {
        const request = requests.get(batch.leader)
        if (request === undefined) requests.set(batch.leader, [batch])
        else request.push(batch)
      }
      for (const [to, request] of requests) void this.#send(request, to)
    }
    if (this.#isIdle()) for (const resolve of this.#idle.splice(0)) resolve()
  }

  // Where a batch may go now: its leader, if that broker has room; undefined while it must wait.
  #route(batch: Batch<R>): number | undefined {
    const leader = this.hooks.leaderOf?.(batch.topic, batch.partition) ?? -1
    // A partition's batches all go to one broker at a time: one that moved waits until those out
    // have come back, so that its batches reach the new leader in sequence order.
    const buffer = batch.buffer
    if (buffer.inFlight > 0 && buffer.inFlightLeader !== leader) return undefined
    return (this.#perLeader.get(leader) ?? 0) < this.maxInFlight ? leader : undefined
  }

  // Retries first, in the order they failed; then whatever the accumulator has ready.
  #take(): Batch<R>[] {
    // The common case, nothing to retry: straight from the accumulator.
    if (this.#retry.length === 0 && this.#backingOff.size === 0) {
      return this.source.drain(this.maxRequestBytes, { leaderOf: this.#leaderOf })
    }
    const out: Batch<R>[] = []
    const taken = new Set<PartitionBuffer<R>>(this.#backingOff)
    const bytes = new Map<number, number>()
    for (let i = 0; i < this.#retry.length;) {
      const batch = this.#retry[i] as Batch<R>
      // A split half goes alone: were a later part of its partition in flight beside it, a half
      // refused again would land after it and the records would change order.
      const waits = taken.has(batch.buffer) || (batch.fromSplit && batch.buffer.inFlight > 0)
      const leader = waits ? undefined : this.#route(batch)
      if (leader !== undefined && fits(bytes, leader, batch.bytes, this.maxRequestBytes)) {
        this.#retry.splice(i, 1)
        batch.leader = leader
        out.push(batch)
        bytes.set(leader, (bytes.get(leader) ?? 0) + batch.bytes)
      } else i++
      // One per partition per round; the rest of it waits behind this one.
      taken.add(batch.buffer)
    }
    for (const batch of this.source.drain(this.maxRequestBytes, {
      busy: taken,
      leaderOf: this.#leaderOf,
      bytes
    }))
      out.push(batch)
    return out
  }

  // A batch past its deadline fails here rather than being sent.
  #dropExpired(batches: Batch<R>[]): Batch<R>[] {
    const now = Date.now()
    let expired = false
    for (const batch of batches) if (now >= this.#deadline(batch)) expired = true
    if (!expired) return batches
    return batches.filter((batch) => {
      if (now < this.#deadline(batch)) return true
      this.hooks.failed(batch, this.hooks.expired(batch, batch.lastError as RuleNodeError | undefined))
      return false
    })
  }

  async #send(batches: Batch<R>[], leader: number): Promise<void> {
    this.#inFlight++
    this.#perLeader.set(leader, (this.#perLeader.get(leader) ?? 0) + 1)
    for (const batch of batches) {
      batch.attempts++
      batch.buffer.inFlightLeader = leader
      batch.buffer.inFlight++
    }
    let outcomes: BatchOutcome[]
    try {
      outcomes = await this.hooks.produce(batches, leader)
    } catch (error) {
      const failure = failed(error)
      outcomes = batches.map(() => failure)
    }
    this.#inFlight--
    const left = (this.#perLeader.get(leader) ?? 1) - 1
    if (left === 0) this.#perLeader.delete(leader)
    else this.#perLeader.set(leader, left)
    for (const batch of batches) batch.buffer.inFlight--
    batches.forEach((batch, i) => {
      const outcome = outcomes[i] as BatchOutcome
      if (outcome.kind === 'appended') this.hooks.delivered(batch, outcome.baseOffset)
      else this.#onError(batch, this.hooks.toError(outcome.error, batch))
    })
    this.#pump()
  }

  #onError(batch: Batch<R>, error: RuleNodeError): void {
    const deadline = this.#deadline(batch)
    // Not sent for want of a leader: Java keeps the batch waiting for metadata without an attempt.
    if (!this.hooks.wasSent(error)) batch.attempts--
    // The broker refused the batch as larger than max.message.bytes: the Java producer splits a
    // batch of several records and sends the parts again at once, without spending `retries`.
    const halves = error.code === 'MESSAGE_TOO_LARGE' ? splitBatch(batch) : undefined
    if (halves !== undefined) {
      this.hooks.split?.(batch, halves)
      this.#requeue(halves)
      return
    }
    if (!error.retriable || batch.attempts > this.retries) {
      this.hooks.failed(batch, error)
      return
    }
    if (Date.now() + this.retryBackoffMs >= deadline) {
      this.hooks.failed(batch, this.hooks.expired(batch, error))
      return
    }
    this.hooks.retried(batch, error)
    batch.lastError = error
    const buffer = batch.buffer
    buffer.backingOff++
    this.#backingOff.add(buffer)
    setTimeout(() => {
      if (--buffer.backingOff === 0) this.#backingOff.delete(buffer)
      this.#retry.push(batch)
      this.#pump()
    }, this.retryBackoffMs)
  }

  // Split halves go before every later batch of their partition waiting to be sent again (and
  // before the accumulator's, which wait behind any retry of their partition).
  #requeue(halves: readonly Batch<R>[]): void {
    for (const half of [...halves].reverse()) {
      const later = this.#retry.findIndex((b) => b.buffer === half.buffer && b.order > half.order)
      // With nothing later of its partition waiting: after the earlier ones, or first in line.
      const at = later !== -1 ? later : this.#retry.findLastIndex((b) => b.buffer === half.buffer) + 1
      this.#retry.splice(at, 0, half)
    }
  }

  #deadline(batch: Batch<R>): number {
    return batch.createdAt + this.deliveryTimeoutMs
  }
}
