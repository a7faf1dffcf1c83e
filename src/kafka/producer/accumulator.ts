// The Java producer's RecordAccumulator: records gather in one open batch per partition. A batch
// closes when the next record would take it past batch.size bytes; it becomes ready to send when
// it is full, when it has waited linger.ms (at once with linger 0), or on flush. Ready batches
// leave only when the sender drains them, and it drains only when it has room for a request:
// while all max.in.flight requests are out, records keep joining their partition's open batch,
// as in Java, instead of queueing up as many tiny batches.

/** What the accumulator needs to know of a record. */
export interface Sized {
  /** Bytes the record takes in a batch (key, value, headers and record overhead). */
  readonly size: number
}

let nextOrder = 0

/** Records of one partition that travel together. */
export class Batch<R extends Sized> {
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

  /** `topic\0partition`: one open batch, and one batch per request, per partition. */
  readonly id: string

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly createdAt: number
  ) {
    this.id = `${topic}\0${partition}`
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
    new Batch<R>(batch.topic, batch.partition, batch.createdAt),
    new Batch<R>(batch.topic, batch.partition, batch.createdAt)
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

const NONE: ReadonlySet<string> = new Set()

/** What may be drained now, and where it goes. */
export interface DrainOptions<R extends Sized> {
  /** Partitions (`Batch.id`) that must not send now. */
  readonly busy?: ReadonlySet<string>
  /**
   * The broker a batch goes to (-1: leader not known), or undefined while it must wait (its leader
   * has max.in.flight requests out). Without it every batch goes to one request (-1).
   */
  readonly leaderOf?: (batch: Batch<R>) => number | undefined
  /** Bytes already bound for each broker this round (retries taken first); filled in by drain. */
  readonly bytes?: Map<number, number>
}

const ANY_LEADER = (): number => -1

/** Per-partition batches, drained by the sender when it can send. */
export class Accumulator<R extends Sized> {
  readonly #open = new Map<string, Batch<R>>()
  /** Full batches, oldest first. */
  readonly #full: Batch<R>[] = []
  #flushing = false
  #turnScheduled = false
  #records = 0
  readonly #taken = new Set<string>()

  constructor(
    readonly batchSizeBytes: number,
    readonly lingerMs: number,
    /** Something became ready to send. */
    readonly onReady: () => void,
    /** A batch stopped taking records (for the sticky partitioner). */
    readonly onClosed: (batch: Batch<R>) => void = () => {}
  ) {}

  /** Records not yet drained. */
  get records(): number {
    return this.#records
  }

  /** Adds a record to its partition's open batch. */
  append(topic: string, partition: number, record: R): void {
    let batch = this.#open.get(`${topic}\0${partition}`)
    // A batch holds at least one record, even one larger than batch.size (as in Java).
    if (batch !== undefined && batch.bytes + record.size > this.batchSizeBytes) {
      this.#closeFull(batch)
      batch = undefined
    }
    if (batch === undefined) {
      batch = new Batch<R>(topic, partition, Date.now())
      this.#open.set(batch.id, batch)
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
      const leader = busy.has(batch.id) || taken.has(batch.id) ? undefined : leaderOf(batch)
      if (leader !== undefined && fits(bytes, leader, batch.bytes, maxBytes)) {
        this.#full.splice(i, 1)
        this.#take(batch, leader, out, taken, bytes)
      } else {
        // An older full batch of this partition waits: nothing newer of it may pass.
        taken.add(batch.id)
        i++
      }
    }
    const all = this.lingerMs === 0 || this.#flushing
    for (const batch of this.#open.values()) {
      // `taken` also holds partitions with a full batch left behind: that one goes first.
      if (!(all || batch.lingered) || busy.has(batch.id) || taken.has(batch.id)) continue
      const leader = leaderOf(batch)
      if (leader === undefined || !fits(bytes, leader, batch.bytes, maxBytes)) continue
      this.#open.delete(batch.id)
      clearTimeout(batch.timer)
      this.onClosed(batch)
      this.#take(batch, leader, out, taken, bytes)
    }
    if (this.#flushing && this.#open.size === 0 && this.#full.length === 0) this.#flushing = false
    return out
  }

  #take(
    batch: Batch<R>,
    leader: number,
    out: Batch<R>[],
    taken: Set<string>,
    bytes: Map<number, number>
  ): void {
    batch.leader = leader
    out.push(batch)
    taken.add(batch.id)
    bytes.set(leader, (bytes.get(leader) ?? 0) + batch.bytes)
    this.#records -= batch.records.length
  }

  /** Makes every open batch ready now (flush, destroy). */
  flush(): void {
    if (this.#open.size > 0) this.#flushing = true
    this.onReady()
  }

  #closeFull(batch: Batch<R>): void {
    this.#open.delete(batch.id)
    clearTimeout(batch.timer)
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
