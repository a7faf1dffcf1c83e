// The Java producer's RecordAccumulator: records gather in one open batch per partition; a batch
// closes when the next record would take it past batch.size bytes, or when it has waited
// linger.ms. With linger 0, every record that arrives in the same turn of the event loop joins
// the batch, as records appended while the Java sender thread is busy do.

/** What the accumulator needs to know of a record. */
export interface Sized {
  /** Bytes the record takes in a batch (key, value, headers and record overhead). */
  readonly size: number
}

/** Records of one partition that travel in one produce request. */
export class Batch<R extends Sized> {
  readonly records: R[] = []
  bytes = 0
  /** Sends tried so far. */
  attempts = 0
  /** The error of the last failed send, if any. */
  lastError: Error | undefined
  timer: NodeJS.Timeout | undefined
  /** The encoded batch once built: a retry sends the same bytes (and sequence numbers). */
  payload: Buffer | undefined
  /** The producer id generation `payload` was stamped under, or -1 (not idempotent). */
  generation = -1

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly createdAt: number
  ) {}
}

/** Per-partition open batches; hands each closed batch to `onClosed`. */
export class Accumulator<R extends Sized> {
  readonly #open = new Map<string, Batch<R>>()
  #flushScheduled = false

  constructor(
    readonly batchSizeBytes: number,
    readonly lingerMs: number,
    readonly onClosed: (batch: Batch<R>) => void
  ) {}

  /** Records in open batches. */
  get openRecords(): number {
    let count = 0
    for (const batch of this.#open.values()) count += batch.records.length
    return count
  }

  /** Adds a record to its partition's open batch. */
  append(topic: string, partition: number, record: R): void {
    const id = `${topic}\0${partition}`
    let batch = this.#open.get(id)
    // A batch holds at least one record, even one larger than batch.size (as in Java).
    if (batch !== undefined && batch.bytes + record.size > this.batchSizeBytes) {
      this.#close(id, batch)
      batch = undefined
    }
    if (batch === undefined) {
      batch = new Batch<R>(topic, partition, Date.now())
      this.#open.set(id, batch)
      if (this.lingerMs > 0) {
        const opened = batch
        batch.timer = setTimeout(() => this.#close(id, opened), this.lingerMs)
      }
    }
    batch.records.push(record)
    batch.bytes += record.size
    if (batch.bytes >= this.batchSizeBytes) this.#close(id, batch)
    else if (this.lingerMs === 0) this.#scheduleFlush()
  }

  /** Closes every open batch now (flush, destroy). */
  flush(): void {
    for (const [id, batch] of [...this.#open]) this.#close(id, batch)
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return
    this.#flushScheduled = true
    setImmediate(() => {
      this.#flushScheduled = false
      this.flush()
    })
  }

  #close(id: string, batch: Batch<R>): void {
    if (this.#open.get(id) !== batch) return
    clearTimeout(batch.timer)
    this.#open.delete(id)
    this.onClosed(batch)
  }
}
