// One partition's life in the producer, in one place (franz-go's recBuf and recBatch): the batch
// taking records now, the batches out to the broker and the broker they went to, the batches
// backing off before a retry, and the idempotent producer's sequence numbers. The accumulator,
// the sender and the idempotence state read and change a partition's state here, instead of
// each keeping a map of their own by topic and partition.

/** What a batch needs to know of a record. */
export interface Sized {
  /** Bytes the record takes in a batch (key, value, headers and record overhead). */
  readonly size: number
}

// Sequence numbers are int32 and wrap to 0, as in the Java producer.
const SEQUENCE_LIMIT = 2 ** 31

/** A partition's open batch, batches in flight, backoff and sequence numbers. */
export class PartitionBuffer<R extends Sized = Sized> {
  /** The batch records join now; undefined until the next record comes. */
  open: Batch<R> | undefined
  /** The broker this partition's batches in flight went to (meaningful while `inFlight` > 0). */
  inFlightLeader = -1
  /** Batches of this partition out in produce requests. */
  inFlight = 0
  /** Batches of this partition waiting out retry.backoff.ms: nothing newer of it goes before them. */
  backingOff = 0
  // The idempotent producer's sequence numbers, valid for producer id generation `#generation`
  // only: a new producer id starts every partition at 0 again.
  #generation = -1
  #nextSequence = 0
  #acknowledged = 0

  constructor(
    readonly topic: string,
    readonly partition: number
  ) {}

  /** Reserves `count` sequence numbers under `generation`; returns the first. */
  takeSequences(generation: number, count: number): number {
    this.#adopt(generation)
    const base = this.#nextSequence
    this.#nextSequence = (base + count) % SEQUENCE_LIMIT
    return base
  }

  /** The broker acknowledged sequence numbers up to, not including, `nextSequence`. */
  acknowledge(generation: number, nextSequence: number): void {
    this.#adopt(generation)
    this.#acknowledged = nextSequence % SEQUENCE_LIMIT
  }

  /** The sequence after the last one acknowledged under `generation` (0 when none was). */
  acknowledgedSequence(generation: number): number {
    return generation === this.#generation ? this.#acknowledged : 0
  }

  #adopt(generation: number): void {
    if (generation === this.#generation) return
    this.#generation = generation
    this.#nextSequence = 0
    this.#acknowledged = 0
  }
}

let nextOrder = 0

/** Records of one partition that travel together. */
export class Batch<R extends Sized = Sized> {
  readonly records: R[] = []
  bytes = 0
  /** Sends tried so far. */
  attempts = 0
  /** The error of the last failed send, if any. */
  lastError: Error | undefined
  /** linger.ms has passed since the first record. */
  lingered = false
  timer: NodeJS.Timeout | undefined
  /** The encoded batch once built: a retry sends the same bytes (and sequence numbers). */
  payload: Buffer | undefined
  /** The producer id generation `payload` was stamped under, or -1 (not idempotent). */
  generation = -1
  /** The first sequence number `payload` was stamped with (idempotent producer), or -1. */
  baseSequence = -1
  /** The broker (node id) the batch was last drained for; -1: its leader was not known. */
  leader = -1
  /**
   * Where the batch's records stand among all records, in creation order: `[order, order + span)`.
   * The halves of a split batch share its range, so that retries can be kept in record order.
   */
  order = nextOrder++
  span = 1
  /** A half of a batch the broker refused as too large: it goes alone, nothing else of its partition in flight. */
  fromSplit = false

  constructor(
    readonly buffer: PartitionBuffer<R>,
    readonly createdAt: number
  ) {}

  get topic(): string {
    return this.buffer.topic
  }

  get partition(): number {
    return this.buffer.partition
  }
}

/**
 * Splits a batch the broker refused as too large (MESSAGE_TOO_LARGE) into two halves by record
 * count, to be sent again in its place, as the Java producer splits such a batch instead of
 * failing its records. Halves keep the batch's creation time (delivery.timeout.ms still counts
 * from it) and are encoded afresh. Undefined for a batch of one record: that record is too large.
 */
export function splitBatch<R extends Sized>(batch: Batch<R>): [Batch<R>, Batch<R>] | undefined {
  if (batch.records.length < 2) return undefined
  const middle = Math.ceil(batch.records.length / 2)
  const halves: [Batch<R>, Batch<R>] = [
    new Batch<R>(batch.buffer, batch.createdAt),
    new Batch<R>(batch.buffer, batch.createdAt)
  ]
  batch.records.forEach((record, i) => {
    const half = halves[i < middle ? 0 : 1]
    half.records.push(record)
    half.bytes += record.size
  })
  halves.forEach((half, i) => {
    half.lingered = true
    half.fromSplit = true
    half.span = batch.span / 2
    half.order = batch.order + i * half.span
  })
  return halves
}
