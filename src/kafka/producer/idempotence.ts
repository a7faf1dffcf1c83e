// KIP-98 for the producer's own batches: one producer id and epoch from the brokers, and per
// partition the next sequence number. A batch is stamped once, when it is first sent, so that a
// retry carries the same sequence and the broker can drop it if the first try got through. When a
// stamped batch fails for good its partition's sequence has a gap the broker will never accept;
// the producer then starts over with a new producer id (as the Java producer bumps its epoch), and
// batches stamped under the old one are stamped afresh.

import { fromClientError } from '../errors.js'
import type { PartitionBuffer } from './partition-buffer.js'
import type { ProducerStamp } from './record-batch.js'

/**
 * What an idempotent producer does with a broker's sequence error, as the Java producer does:
 * OUT_OF_ORDER_SEQUENCE_NUMBER behind an earlier batch that failed is retried once that one is
 * in; UNKNOWN_PRODUCER_ID (the broker forgot the producer, e.g. after a long idle time) and
 * INVALID_PRODUCER_EPOCH are retried under a new producer id (KIP-360).
 */
export function sequenceErrorAction(code: string): 'retry' | 'new-producer-id' | undefined {
  if (code === 'OUT_OF_ORDER_SEQUENCE_NUMBER') return 'retry'
  if (code === 'UNKNOWN_PRODUCER_ID' || code === 'INVALID_PRODUCER_EPOCH') return 'new-producer-id'
  return undefined
}

/** A stamp, and the producer id generation it belongs to. */
export interface Stamp extends ProducerStamp {
  readonly generation: number
}

/** Asks the brokers for a producer id and epoch (InitProducerId). */
export type InitProducerId = () => Promise<{ producerId: bigint; producerEpoch: number }>

/** How long and how often a retriable InitProducerId error is asked again. */
export interface InitRetry {
  readonly backoffMs: number
  readonly timeoutMs: number
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * The producer identity of an idempotent producer; each partition's sequence numbers are kept in
 * its PartitionBuffer, valid for the generation they were taken under.
 */
export class Idempotence {
  #identity: Promise<{ producerId: bigint; producerEpoch: number }> | undefined
  #generation = 0

  /**
   * `retry`: the Java producer's transaction manager asks InitProducerId again after
   * retry.backoff.ms on a retriable error (COORDINATOR_LOAD_IN_PROGRESS while Apache Kafka loads
   * its producer id block, a broker not reachable yet), without spending `retries`; its batches wait
   * meanwhile, at most delivery.timeout.ms.
   */
  constructor(
    readonly init: InitProducerId,
    readonly retry: InitRetry = { backoffMs: 100, timeoutMs: 120_000 }
  ) {}

  /** The current producer id generation; a batch stamped under an older one must be stamped again. */
  get generation(): number {
    return this.#generation
  }

  /** Reserves `count` sequence numbers of the partition for one batch. */
  async stamp(buffer: PartitionBuffer, count: number): Promise<Stamp> {
    const generation = this.#generation
    const identity = await this.#identify()
    // A reset while waiting for the id: take the new one.
    if (generation !== this.#generation) return this.stamp(buffer, count)
    const baseSequence = buffer.takeSequences(generation, count)
    return { ...identity, baseSequence, generation }
  }

  /** The broker acknowledged a partition's sequence numbers up to, not including, `nextSequence`. */
  acknowledged(buffer: PartitionBuffer, generation: number, nextSequence: number): void {
    if (generation === this.#generation) buffer.acknowledge(generation, nextSequence)
  }

  /**
   * Whether a batch is its partition's first unresolved one: stamped under the current generation
   * with the sequence right after the last acknowledged (0 when none was), as Java's
   * TransactionManager checks before it takes OUT_OF_ORDER_SEQUENCE_NUMBER for lost broker state.
   */
  isFirstUnresolved(buffer: PartitionBuffer, generation: number, baseSequence: number): boolean {
    return generation === this.#generation && baseSequence === buffer.acknowledgedSequence(generation)
  }

  /** Starts over with a new producer id (after a stamped batch failed for good). */
  reset(generation: number): void {
    // Several failures of one generation reset it once.
    if (generation !== this.#generation) return
    this.#generation++
    // Every partition's sequence numbers, kept for the old generation, start at 0 under the new one.
    this.#identity = undefined
  }

  #identify(): Promise<{ producerId: bigint; producerEpoch: number }> {
    if (this.#identity === undefined) {
      const asked = this.#initRetrying()
      this.#identity = asked
      // A failed request is asked again by the next batch, not remembered.
      asked.catch(() => {
        if (this.#identity === asked) this.#identity = undefined
      })
    }
    return this.#identity
  }

  async #initRetrying(): Promise<{ producerId: bigint; producerEpoch: number }> {
    const deadline = Date.now() + this.retry.timeoutMs
    for (;;) {
      try {
        return await this.init()
      } catch (error) {
        if (!fromClientError(error, {}).retriable || Date.now() + this.retry.backoffMs > deadline) throw error
        await sleep(this.retry.backoffMs)
      }
    }
  }
}
