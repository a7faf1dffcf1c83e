// One partition's log: stored batches with their assigned offsets, the idempotent producers'
// sequence state (KIP-98), and waiters for Fetch long polls.

import { ErrorCode } from '../protocol/error-codes.js'
import { sharedLogArena } from './log-arena.js'
import { BATCH, type BatchHeader } from './record-batch.js'

/**
 * A stored batch and the offsets it holds. Every stored batch stays in memory for the broker's
 * life, and each one outlives a young-generation collection or two on its way to the old one:
 * so it is one small object, a place in a segment, with its view and its header fields made
 * when asked for (fetches read `bytes`; the rest is rare).
 */
export class StoredBatch {
  constructor(
    readonly baseOffset: number,
    readonly segment: Buffer,
    readonly at: number,
    readonly length: number
  ) {}

  get bytes(): Buffer {
    return this.segment.subarray(this.at, this.at + this.length)
  }

  get lastOffset(): number {
    return this.baseOffset + this.segment.readInt32BE(this.at + BATCH.lastOffsetDelta)
  }

  get maxTimestamp(): bigint {
    return this.segment.readBigInt64BE(this.at + BATCH.maxTimestamp)
  }
}

/** What an append did: the base offset of the first batch, or an error code. */
export interface AppendResult {
  readonly errorCode: number
  readonly baseOffset: number
}

interface ProducerState {
  epoch: number
  lastSequence: number
  // The last five batches, as the Java broker keeps them, to answer a retried batch with its offset.
  recent: { baseSequence: number; lastSequence: number; baseOffset: number }[]
}

/** Appends batches, serves reads by offset, and notifies long-polling fetches. */
export class PartitionLog {
  readonly batches: StoredBatch[] = []
  #next = 0
  readonly #producers = new Map<bigint, ProducerState>()
  #waiters: (() => void)[] = []

  constructor(readonly onAppend?: (bytes: Buffer) => void) {}

  get highWatermark(): number {
    return this.#next
  }

  get logStartOffset(): number {
    return this.batches[0]?.baseOffset ?? this.#next
  }

  /** Appends the batches of one produce request for this partition, all or none. */
  append(batches: readonly BatchHeader[]): AppendResult {
    // Every batch is checked before any is stored, as Kafka validates the producer state of a whole
    // append first (UnifiedLog.analyzeAndValidateProducerState): a later batch out of sequence, or
    // a retry, stores none of them. A batch must follow the one before it in the same request.
    // The map only matters when a request holds more than one batch for the partition (rare:
    // clients send one per partition), so the usual append does not build it.
    const following =
      batches.length > 1 ? new Map<bigint, { epoch: number; lastSequence: number }>() : undefined
    for (const batch of batches) {
      const check = this.#checkSequence(batch, following?.get(batch.producerId))
      // A duplicate is answered with its original offset and not stored again.
      if (check !== undefined) return check
      if (following !== undefined && batch.producerId >= 0n)
        following.set(batch.producerId, {
          epoch: batch.producerEpoch,
          lastSequence: batch.baseSequence + batch.lastOffsetDelta
        })
    }
    let first = -1
    for (const batch of batches) {
      const baseOffset = this.#next
      const at = sharedLogArena.place(batch.bytes)
      const segment = sharedLogArena.segment
      // The int64 as two halves: an offset is below 2^53, and this needs no BigInt per batch.
      segment.writeInt32BE(Math.floor(baseOffset / 2 ** 32), at + BATCH.baseOffset)
      segment.writeUInt32BE(baseOffset >>> 0, at + BATCH.baseOffset + 4)
      segment.writeInt32BE(0, at + BATCH.leaderEpoch)
      const stored = new StoredBatch(baseOffset, segment, at, batch.bytes.length)
      this.#store(stored)
      if (this.onAppend !== undefined) this.onAppend(stored.bytes)
      this.#remember(batch, baseOffset)
      if (first < 0) first = baseOffset
    }
    const waiters = this.#waiters
    this.#waiters = []
    for (const wake of waiters) wake()
    return { errorCode: ErrorCode.NONE, baseOffset: first }
  }

  /** Re-adds a batch read back from disk at start, with its offsets as stored. */
  restore(bytes: Buffer): void {
    const baseOffset = Number(bytes.readBigInt64BE(BATCH.baseOffset))
    const lastOffsetDelta = bytes.readInt32BE(BATCH.lastOffsetDelta)
    this.#store(new StoredBatch(baseOffset, bytes, 0, bytes.length))
    const header = {
      bytes,
      recordCount: bytes.readInt32BE(BATCH.recordCount),
      lastOffsetDelta,
      producerId: bytes.readBigInt64BE(BATCH.producerId),
      producerEpoch: bytes.readInt16BE(BATCH.producerEpoch),
      baseSequence: bytes.readInt32BE(BATCH.baseSequence)
    }
    this.#remember(header, baseOffset)
  }

  #store(batch: StoredBatch): void {
    this.batches.push(batch)
    this.#next = batch.lastOffset + 1
  }

  // KIP-98: a batch from an idempotent producer must continue its sequence; a retried batch that
  // is already in the log is answered with its original offset and not written again.
  // `earlier` is where a batch before this one in the same request left the producer.
  #checkSequence(
    batch: BatchHeader,
    earlier: { epoch: number; lastSequence: number } | undefined
  ): AppendResult | undefined {
    if (batch.producerId < 0n) return undefined
    const stored = this.#producers.get(batch.producerId)
    const state = earlier ?? stored
    // A producer the partition has no state for may start at any sequence: Kafka accepts it
    // (ProducerAppendInfo.checkSequence), because that state may have expired or been deleted with
    // the records. A new epoch of a known producer must start at 0; anything else means earlier
    // batches are missing, as when one before it failed and is being retried.
    if (state === undefined) return undefined
    if (batch.producerEpoch > state.epoch) {
      if (batch.baseSequence !== 0)
        return { errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, baseOffset: -1 }
      return undefined
    }
    if (batch.producerEpoch < state.epoch)
      return { errorCode: ErrorCode.INVALID_PRODUCER_EPOCH, baseOffset: -1 }
    const seen =
      stored?.epoch === batch.producerEpoch
        ? stored.recent.find((r) => r.baseSequence === batch.baseSequence)
        : undefined
    if (seen !== undefined) return { errorCode: ErrorCode.NONE, baseOffset: seen.baseOffset }
    // Kafka answers OUT_OF_ORDER_SEQUENCE_NUMBER also for an old sequence that is not one of the
    // last five batches (ProducerAppendInfo.checkSequence); DUPLICATE_SEQUENCE_NUMBER is no longer sent.
    if (batch.baseSequence !== state.lastSequence + 1)
      return { errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, baseOffset: -1 }
    return undefined
  }

  #remember(batch: BatchHeader, baseOffset: number): void {
    if (batch.producerId < 0n) return
    let state = this.#producers.get(batch.producerId)
    if (state === undefined || batch.producerEpoch !== state.epoch) {
      state = { epoch: batch.producerEpoch, lastSequence: -1, recent: [] }
      this.#producers.set(batch.producerId, state)
    }
    const lastSequence = batch.baseSequence + batch.lastOffsetDelta
    state.lastSequence = lastSequence
    state.recent.push({ baseSequence: batch.baseSequence, lastSequence, baseOffset })
    if (state.recent.length > 5) state.recent.shift()
  }

  /** Batches from the one holding `offset`, up to `maxBytes` (at least one batch, as Kafka does). */
  read(offset: number, maxBytes: number): Buffer[] {
    const out: Buffer[] = []
    let lo = 0
    let hi = this.batches.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((this.batches[mid] as StoredBatch).lastOffset < offset) lo = mid + 1
      else hi = mid
    }
    let size = 0
    for (let i = lo; i < this.batches.length; i++) {
      const batch = this.batches[i] as StoredBatch
      if (out.length > 0 && size + batch.length > maxBytes) break
      out.push(batch.bytes)
      size += batch.length
    }
    return out
  }

  /** The first offset whose batch has a timestamp at or after `timestamp` (ListOffsets), or -1. */
  offsetForTimestamp(timestamp: bigint): number {
    for (const batch of this.batches) if (batch.maxTimestamp >= timestamp) return batch.baseOffset
    return -1
  }

  /** Resolves on the next append, or after `ms`. */
  waitForData(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== wake)
        resolve()
      }, ms)
      const wake = (): void => {
        clearTimeout(timer)
        resolve()
      }
      this.#waiters.push(wake)
    })
  }
}
