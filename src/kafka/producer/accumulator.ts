// The Java producer's RecordAccumulator: records gather in one open batch per partition. A batch
// closes when the next record would take it past batch.size bytes; it becomes ready to send when
// it is full, when it has waited linger.ms (at once with linger 0), or on flush. Ready batches
// leave only when the sender drains them, and it drains only when it has room for a request:
// while all max.in.flight requests are out, records keep joining their partition's open batch,
// as in Java, instead of queueing up as many tiny batches. Each partition's batches live in its
// PartitionBuffer; the accumulator owns the buffers, by topic.

import { Batch, PartitionBuffer, type Sized } from './partition-buffer.js'

export { Batch, splitBatch, type Sized } from './partition-buffer.js'

const NONE: ReadonlySet<PartitionBuffer> = new Set()

/** What may be drained now, and where it goes. */
export interface DrainOptions<R extends Sized> {
  /** Partitions that must not send now. */
  readonly busy?: ReadonlySet<PartitionBuffer<R>>
  /**
   * The broker a batch goes to (-1: leader not known), or undefined while it must wait (its leader
   * has max.in.flight requests out). Without it every batch goes to one request (-1).
   */
  readonly leaderOf?: (batch: Batch<R>) => number | undefined
  /** Bytes already bound for each broker this round (retries taken first); filled in by drain. */
  readonly bytes?: Map<number, number>
}

const ANY_LEADER = (): number => -1

/** The accumulator's limits and what it tells. */
export interface AccumulatorOptions<R extends Sized> {
  /** batch.size: a batch closes when the next record would take it past this. */
  readonly batchSizeBytes: number
  /** linger.ms: how long an open batch waits for more records. */
  readonly lingerMs: number
  /** Something became ready to send. */
  readonly onReady: () => void
  /** A batch stopped taking records (for the sticky partitioner). */
  readonly onClosed?: (batch: Batch<R>) => void
}

/** Per-partition batches, drained by the sender when it can send. */
export class Accumulator<R extends Sized> {
  readonly batchSizeBytes: number
  readonly lingerMs: number
  readonly onReady: () => void
  readonly onClosed: (batch: Batch<R>) => void
  /** Each topic's partition buffers, by partition number. */
  readonly #topics = new Map<string, PartitionBuffer<R>[]>()
  /** Partitions with an open batch, in the order their batches opened. */
  readonly #withOpen = new Set<PartitionBuffer<R>>()
  /** Full batches, oldest first. */
  readonly #full: Batch<R>[] = []
  #flushing = false
  #turnScheduled = false
  #records = 0
  readonly #taken = new Set<PartitionBuffer<R>>()

  constructor(options: AccumulatorOptions<R>) {
    this.batchSizeBytes = options.batchSizeBytes
    this.lingerMs = options.lingerMs
    this.onReady = options.onReady
    this.onClosed = options.onClosed ?? (() => {})
  }

  /** The partition's buffer, made on first use. */
  bufferOf(topic: string, partition: number): PartitionBuffer<R> {
    let partitions = this.#topics.get(topic)
    if (partitions === undefined) {
      partitions = []
      this.#topics.set(topic, partitions)
    }
    let buffer = partitions[partition]
    if (buffer === undefined) {
      buffer = new PartitionBuffer<R>(topic, partition)
      partitions[partition] = buffer
    }
    return buffer
  }

  /** Records not yet drained. */
  get records(): number {
    return this.#records
  }

  /** Adds a record to its partition's open batch. */
  append(topic: string, partition: number, record: R): void {
    const buffer = this.bufferOf(topic, partition)
    let batch = buffer.open
    // A batch holds at least one record, even one larger than batch.size (as in Java).
    if (batch !== undefined && batch.bytes + record.size > this.batchSizeBytes) {
      this.#closeFull(batch)
      batch = undefined
    }
    if (batch === undefined) {
      batch = new Batch<R>(buffer, Date.now())
      buffer.open = batch
      this.#withOpen.add(buffer)
      if (this.lingerMs > 0) {
        const opened = batch
        batch.timer = setTimeout(() => {
          opened.lingered = true
          this.onReady()
        }, this.lingerMs)
      }
    }
    batch.records.push(record)
    batch.bytes += record.size
    this.#records++
    if (batch.bytes >= this.batchSizeBytes) this.#closeFull(batch)
    else if (this.lingerMs === 0) this.#readyAtEndOfTurn()
  }

  /**
   * Takes ready batches, one request's worth per broker: full ones first (oldest first), then open
   * ones whose linger has passed; at most one per partition, none of `busy` nor of a leader without
   * room, and at most `maxBytes` per broker (but always one, however large). Each batch's `leader`
   * says which request it is for.
   */
  drain(maxBytes: number, options: DrainOptions<R> = {}): Batch<R>[] {
    const out: Batch<R>[] = []
    if (this.#records === 0) return out
    const busy = options.busy ?? NONE
    const leaderOf = options.leaderOf ?? ANY_LEADER
    const bytes = options.bytes ?? new Map<number, number>()
    // Partitions already in this round; reused from call to call (this runs per request).
    const taken = this.#taken
    taken.clear()
    for (let i = 0; i < this.#full.length;) {
      const batch = this.#full[i] as Batch<R>
      const leader = busy.has(batch.buffer) || taken.has(batch.buffer) ? undefined : leaderOf(batch)
      if (leader !== undefined && fits(bytes, leader, batch.bytes, maxBytes)) {
        this.#full.splice(i, 1)
        this.#take(batch, leader, out, taken, bytes)
      } else {
        // An older full batch of this partition waits: nothing newer of it may pass.
        taken.add(batch.buffer)
        i++
      }
    }
    const all = this.lingerMs === 0 || this.#flushing
    for (const buffer of this.#withOpen) {
      const batch = buffer.open as Batch<R>
      // `taken` also holds partitions with a full batch left behind: that one goes first.
      if (!(all || batch.lingered) || busy.has(buffer) || taken.has(buffer)) continue
      const leader = leaderOf(batch)
      if (leader === undefined || !fits(bytes, leader, batch.bytes, maxBytes)) continue
      this.#closeOpen(buffer)
      this.onClosed(batch)
      this.#take(batch, leader, out, taken, bytes)
    }
    if (this.#flushing && this.#withOpen.size === 0 && this.#full.length === 0) this.#flushing = false
    return out
  }

  #take(
    batch: Batch<R>,
    leader: number,
    out: Batch<R>[],
    taken: Set<PartitionBuffer<R>>,
    bytes: Map<number, number>
  ): void {
    batch.leader = leader
    out.push(batch)
    taken.add(batch.buffer)
    bytes.set(leader, (bytes.get(leader) ?? 0) + batch.bytes)
    this.#records -= batch.records.length
  }

  /** Makes every open batch ready now (flush, destroy). */
  flush(): void {
    if (this.#withOpen.size > 0) this.#flushing = true
    this.onReady()
  }

  #closeOpen(buffer: PartitionBuffer<R>): void {
    const batch = buffer.open as Batch<R>
    buffer.open = undefined
    this.#withOpen.delete(buffer)
    clearTimeout(batch.timer)
  }

  #closeFull(batch: Batch<R>): void {
    this.#closeOpen(batch.buffer)
    this.#full.push(batch)
    this.onClosed(batch)
    this.onReady()
  }

  // With linger 0 every record that arrives in the same turn of the event loop joins the batch,
  // as records appended while the Java sender thread is busy do.
  #readyAtEndOfTurn(): void {
    if (this.#turnScheduled) return
    this.#turnScheduled = true
    setImmediate(() => {
      this.#turnScheduled = false
      this.onReady()
    })
  }
}

/** The first batch for a broker always fits; later ones while its request stays within maxBytes. */
export function fits(
  bytes: ReadonlyMap<number, number>,
  leader: number,
  size: number,
  maxBytes: number
): boolean {
  const used = bytes.get(leader)
  return used === undefined || used + size <= maxBytes
}
