// The Java producer's Sender: closed batches go out in order, at most max.in.flight at a time;
// a retriable failure sends the batch again after retry.backoff.ms, up to `retries` times and
// never past the delivery deadline of its oldest record (delivery.timeout.ms, KIP-91).

import type { RuleNodeError } from '../../errors.js'
import type { Batch, Sized } from './accumulator.js'

/** A record with the time by which it must be delivered or failed. */
export interface Deadlined extends Sized {
  readonly deadline: number
}

/** What the sender does with batches; the node supplies it. */
export interface SenderHooks<R extends Deadlined> {
  /** Sends one batch in one produce request; resolves with its base offset (-1 when acks=0). */
  produce(batch: Batch<R>): Promise<number>
  /** Maps whatever `produce` threw to an error with a retry decision. */
  toError(error: unknown, batch: Batch<R>): RuleNodeError
  /** The deadline passed before the batch could be delivered. */
  expired(batch: Batch<R>, last: RuleNodeError | undefined): RuleNodeError
  delivered(batch: Batch<R>, baseOffset: number): void
  failed(batch: Batch<R>, error: RuleNodeError): void
  retried(batch: Batch<R>, error: RuleNodeError): void
}

/** Sends closed batches with bounded concurrency and Java's retry rules. */
export class Sender<R extends Deadlined> {
  readonly #queue: Batch<R>[] = []
  #inFlight = 0
  #backingOff = 0
  #idle: (() => void)[] = []

  constructor(
    readonly maxInFlight: number,
    readonly retries: number,
    readonly retryBackoffMs: number,
    readonly hooks: SenderHooks<R>
  ) {}

  /** Produce requests under way. */
  get inFlight(): number {
    return this.#inFlight
  }

  /** Batches waiting to be sent (queued or backing off). */
  get queued(): number {
    return this.#queue.length + this.#backingOff
  }

  /** Queues a closed batch. */
  enqueue(batch: Batch<R>): void {
    this.#queue.push(batch)
    this.#pump()
  }

  /** Resolves when no batch is queued, backing off or in flight. */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve()
    return new Promise((resolve) => this.#idle.push(resolve))
  }

  #isIdle(): boolean {
    return this.#queue.length === 0 && this.#inFlight === 0 && this.#backingOff === 0
  }

  #pump(): void {
    while (this.#inFlight < this.maxInFlight && this.#queue.length > 0) {
      void this.#send(this.#queue.shift() as Batch<R>)
    }
    if (this.#isIdle()) for (const resolve of this.#idle.splice(0)) resolve()
  }

  async #send(batch: Batch<R>): Promise<void> {
    const deadline = (batch.records[0] as R).deadline
    if (Date.now() >= deadline) {
      this.hooks.failed(batch, this.hooks.expired(batch, batch.lastError as RuleNodeError | undefined))
      return
    }
    this.#inFlight++
    batch.attempts++
    let error: RuleNodeError | undefined
    try {
      const baseOffset = await this.hooks.produce(batch)
      this.hooks.delivered(batch, baseOffset)
    } catch (thrown) {
      error = this.hooks.toError(thrown, batch)
    } finally {
      this.#inFlight--
    }
    if (error !== undefined) this.#onError(batch, error, deadline)
    this.#pump()
  }

  #onError(batch: Batch<R>, error: RuleNodeError, deadline: number): void {
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
    this.#backingOff++
    setTimeout(() => {
      this.#backingOff--
      // A retried batch goes first, so that its partition keeps its order where it can.
      this.#queue.unshift(batch)
      this.#pump()
    }, this.retryBackoffMs)
  }
}
