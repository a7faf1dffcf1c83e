// buffer.memory as the Java producer means it: the bytes of records accepted but not yet
// completed. A record that does not fit waits for room, and so does the producer's caller (the
// runtime awaits onMsg): backpressure instead of unbounded memory. Waiters are served in order.

/** Bytes held by accepted records, and the queue of records waiting for room. */
export class BufferMemory {
  #used = 0
  readonly #waiters: { bytes: number; resolve: () => void; reject: (error: Error) => void }[] = []

  constructor(readonly limit: number) {}

  /** Bytes held now. */
  get used(): number {
    return this.#used
  }

  /** Records waiting for room. */
  get waiting(): number {
    return this.#waiters.length
  }

  /** Takes `bytes` if they fit now and nobody is waiting before us. */
  tryReserve(bytes: number): boolean {
    if (this.#waiters.length > 0 || this.#used + bytes > this.limit) return false
    this.#used += bytes
    return true
  }

  /** Resolves once `bytes` are reserved. */
  reserve(bytes: number): Promise<void> {
    if (this.tryReserve(bytes)) return Promise.resolve()
    return new Promise((resolve, reject) => this.#waiters.push({ bytes, resolve, reject }))
  }

  /** Gives `bytes` back and lets waiting records in, in order. */
  release(bytes: number): void {
    this.#used -= bytes
    while (this.#waiters.length > 0) {
      const next = this.#waiters[0] as { bytes: number; resolve: () => void }
      if (this.#used + next.bytes > this.limit) break
      this.#waiters.shift()
      this.#used += next.bytes
      next.resolve()
    }
  }

  /** Fails every waiting record (the producer is stopping). */
  rejectWaiting(error: Error): void {
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error)
  }
}
