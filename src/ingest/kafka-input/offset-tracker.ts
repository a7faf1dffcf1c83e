// Which offset of one partition may be committed: records are taken in offset order, but their
// messages leave the chain in any order. The committable offset is the first record still in
// the chain (or one past the last taken when none is): Kafka's committed offset is "the next
// record to read", so nothing at or after a message in flight is ever committed.

/** The offsets of one partition taken and not yet committable, in the order they were taken. */
export class PartitionOffsets {
  // Taken offsets in increasing order from `#head`; `#done` marks those whose message has left.
  #taken: bigint[] = []
  #done: boolean[] = []
  #head = 0
  #next: bigint | undefined
  #inFlight = 0

  /** The offset after the last record taken, or undefined before the first. */
  get next(): bigint | undefined {
    return this.#next
  }

  /** Records taken whose message has not left the chain yet. */
  get inFlight(): number {
    return this.#inFlight
  }

  /**
   * Whether a record at `offset` is new: false for an offset at or below one already taken (the
   * client fetches a partition again from its committed offset after a rebalance).
   */
  isNew(offset: bigint): boolean {
    return this.#next === undefined || offset >= this.#next
  }

  /** A record was taken; offsets must increase. */
  take(offset: bigint): void {
    if (!this.isNew(offset)) throw new Error(`offset ${offset} was taken already (next is ${this.#next})`)
    this.#taken.push(offset)
    this.#done.push(false)
    this.#next = offset + 1n
    this.#inFlight++
  }

  /** A record that needs no chain (dead-lettered, skipped) is done once it is taken. */
  takeDone(offset: bigint): void {
    this.take(offset)
    this.#done[this.#done.length - 1] = true
    this.#inFlight--
  }

  /** The message of the record at `offset` has left the chain. */
  finish(offset: bigint): void {
    const place = this.#placeOf(offset)
    if (place === -1 || this.#done[place] === true) throw new Error(`offset ${offset} is not in flight`)
    this.#done[place] = true
    this.#inFlight--
  }

  /**
   * Where `offset` is among the offsets taken from `#head` on, or -1: a binary search, as they
   * increase. A Map from offset to place cost a bigint hash and a table entry per record, and a
   * table rebuilt as the records in flight rose and fell (BENCHMARKS.md).
   */
  #placeOf(offset: bigint): number {
    let low = this.#head
    let high = this.#taken.length - 1
    while (low <= high) {
      const middle = (low + high) >>> 1
      const taken = this.#taken[middle] as bigint
      if (taken === offset) return middle
      if (taken < offset) low = middle + 1
      else high = middle - 1
    }
    return -1
  }

  /**
   * The offset to commit (the first record not done, or one past the last taken when all are
   * done), or undefined when nothing was taken. Forgets the done prefix.
   */
  committable(): bigint | undefined {
    while (this.#head < this.#taken.length && this.#done[this.#head] === true) this.#head++
    if (this.#head > 1024 && this.#head * 2 > this.#taken.length) {
      this.#taken = this.#taken.slice(this.#head)
      this.#done = this.#done.slice(this.#head)
      this.#head = 0
    }
    if (this.#head < this.#taken.length) return this.#taken[this.#head]
    return this.#next
  }
}
