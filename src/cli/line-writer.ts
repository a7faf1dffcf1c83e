import type { Writable } from 'node:stream'

const FLUSH_BYTES = 64 * 1024

/**
 * Writes lines to a stream in large chunks, once per turn of the event loop or every 64 KiB,
 * because one write per line costs more than the work that produced it.
 */
export class LineWriter {
  readonly #out: Writable
  #pending: string[] = []
  #pendingLength = 0
  #scheduled = false
  #backlogged = false

  constructor(out: Writable) {
    this.#out = out
  }

  /** Queues one line (a newline is added). */
  write(line: string): void {
    this.#pending.push(line)
    this.#pendingLength += line.length + 1
    if (this.#pendingLength >= FLUSH_BYTES) this.flush()
    else if (!this.#scheduled) {
      this.#scheduled = true
      setImmediate(() => this.flush())
    }
  }

  /** Writes what is queued now. */
  flush(): void {
    this.#scheduled = false
    if (this.#pending.length === 0) return
    const text = this.#pending.join('\n') + '\n'
    this.#pending = []
    this.#pendingLength = 0
    if (!this.#out.write(text)) this.#backlogged = true
  }

  /** True when the stream has more buffered than it wants: the producer of lines should wait. */
  get backlogged(): boolean {
    return this.#backlogged
  }

  /** Resolves when the stream has drained what it buffered. */
  async drained(): Promise<void> {
    if (!this.#backlogged) return
    await new Promise<void>((resolve) => this.#out.once('drain', resolve))
    this.#backlogged = false
  }

  /** Flushes and waits until the stream has taken everything. */
  async end(): Promise<void> {
    this.flush()
    await this.drained()
  }
}
