// The Java producer's Sender: whenever fewer than max.in.flight requests are out, it drains the
// ready batches (batches to retry first, then the accumulator's), at most one per partition and
// at most max.request.size in all, and sends them together. A retriable failure sends the batch
// again after retry.backoff.ms, up to `retries` times and never past its delivery deadline:
// delivery.timeout.ms from the batch's creation, as Java counts it (KIP-91).

import type { RuleNodeError } from '../../errors.js'
import type { Batch, Sized } from './accumulator.js'

const NONE: ReadonlySet<string> = new Set()

/** Where the sender takes batches from (the accumulator). */
export interface BatchSource<R extends Sized> {
  readonly records: number
  drain(maxBytes: number, busy: ReadonlySet<string>): Batch<R>[]
}

/** What the sender does with batches; the node supplies it. */
export interface SenderHooks<R extends Sized> {
  /** Sends the batches; per batch its base offset (-1 when acks=0) or what went wrong. Never rejects. */
  produce(batches: Batch<R>[]): Promise<(number | unknown)[]>
  /** Maps what went wrong to an error with a retry decision. */
  toError(error: unknown, batch: Batch<R>): RuleNodeError
  /** The deadline passed before the batch could be delivered. */
  expired(batch: Batch<R>, last: RuleNodeError | undefined): RuleNodeError
  delivered(batch: Batch<R>, baseOffset: number): void
  failed(batch: Batch<R>, error: RuleNodeError): void
  retried(batch: Batch<R>, error: RuleNodeError): void
  /** False when the batch never left (no leader known): such a try does not count against `retries`. */
  wasSent(error: RuleNodeError): boolean
}

/** Sends drained batches with bounded concurrency and Java's retry rules. */
export class Sender<R extends Sized> {
  /** Batches whose backoff has passed, to send before anything new. */
  readonly #retry: Batch<R>[] = []
  /** Partitions with a batch backing off: nothing newer of theirs goes out before it. */
  readonly #backingOff = new Map<string, number>()
  #inFlight = 0
  #idle: (() => void)[] = []

  constructor(
    readonly maxInFlight: number,
    readonly retries: number,
    readonly retryBackoffMs: number,
    readonly deliveryTimeoutMs: number,
    readonly maxRequestBytes: number,
    readonly source: BatchSource<R>,
    readonly hooks: SenderHooks<R>
  ) {}

  /** Produce requests under way. */
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
    while (this.#inFlight < this.maxInFlight) {
      const batches = this.#take()
      if (batches.length === 0) break
      const live = this.#dropExpired(batches)
      if (live.length > 0) void this.#send(live)
    }
    if (this.#isIdle()) for (const resolve of this.#idle.splice(0)) resolve()
  }

  // Retries first, in the order they failed; then whatever the accumulator has ready.
  #take(): Batch<R>[] {
    // The common case, nothing to retry: straight from the accumulator.
    if (this.#retry.length === 0 && this.#backingOff.size === 0) {
      return this.source.drain(this.maxRequestBytes, NONE)
    }
    const out: Batch<R>[] = []
    const taken = new Set<string>(this.#backingOff.keys())
    let bytes = 0
    for (let i = 0; i < this.#retry.length;) {
      const batch = this.#retry[i] as Batch<R>
      if (!taken.has(batch.id) && (out.length === 0 || bytes + batch.bytes <= this.maxRequestBytes)) {
        this.#retry.splice(i, 1)
        out.push(batch)
        taken.add(batch.id)
        bytes += batch.bytes
      } else i++
    }
    for (const batch of this.#retry) taken.add(batch.id)
    const room = out.length === 0 ? this.maxRequestBytes : this.maxRequestBytes - bytes
    if (room > 0) for (const batch of this.source.drain(room, taken)) out.push(batch)
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

  async #send(batches: Batch<R>[]): Promise<void> {
    this.#inFlight++
    for (const batch of batches) batch.attempts++
    let outcomes: (number | unknown)[]
    try {
      outcomes = await this.hooks.produce(batches)
    } catch (error) {
      outcomes = batches.map(() => error)
    }
    this.#inFlight--
    batches.forEach((batch, i) => {
      const outcome = outcomes[i]
      if (typeof outcome === 'number') this.hooks.delivered(batch, outcome)
      else this.#onError(batch, this.hooks.toError(outcome, batch))
    })
    this.#pump()
  }

  #onError(batch: Batch<R>, error: RuleNodeError): void {
    const deadline = this.#deadline(batch)
    // Not sent for want of a leader: Java keeps the batch waiting for metadata without an attempt.
    if (!this.hooks.wasSent(error)) batch.attempts--
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
    this.#backingOff.set(batch.id, (this.#backingOff.get(batch.id) ?? 0) + 1)
    setTimeout(() => {
      const left = (this.#backingOff.get(batch.id) ?? 1) - 1
      if (left === 0) this.#backingOff.delete(batch.id)
      else this.#backingOff.set(batch.id, left)
      this.#retry.push(batch)
      this.#pump()
    }, this.retryBackoffMs)
  }

  #deadline(batch: Batch<R>): number {
    return batch.createdAt + this.deliveryTimeoutMs
  }
}
