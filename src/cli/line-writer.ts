import type { Writable } from 'node:stream'

const FLUSH_BYTES = 64 * 1024

/**
 * Writes lines to a stream in large chunks, once per turn of the event loop or every 64 KiB,
 * because one write per line costs more than the work that produced it.
 *
 * When the stream fails (EPIPE: the reader went away, as `| head -1` does) the writer closes:
 * later lines are dropped and waiting for a drain ends, and `onClosed` hears of it once.
 */
export class LineWriter {
  readonly #out: Writable
  #pending: string[] = []
  #pendingLength = 0
  #scheduled = false
  #closed = false
  #wakeUp: (() => void) | undefined

  constructor(out: Writable, onClosed: (error: NodeJS.ErrnoException) => void = () => {}) {
    this.#out = out
    // Without a listener, a failed write on stdout is an uncaught exception that kills the process.
    out.on('error', (error: NodeJS.ErrnoException) => {
      if (this.#closed) return
      this.#closed = true
      this.#pending = []
      this.#pendingLength = 0
      this.#wakeUp?.()
      onClosed(error)
    })
  }

  /** True once the stream has failed: lines written now are dropped. */
  get closed(): boolean {
    return this.#closed
  }

  /** Queues one line (a newline is added). */
  write(line: string): void {
    if (this.#closed) return
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
    if (this.#pending.length === 0 || this.#closed) return
    const text = this.#pending.join('\n') + '\n'
    this.#pending = []
    this.#pendingLength = 0
    this.#out.write(text)
  }

  /**
   * True when the stream has more buffered than it wants: the producer of lines should wait.
   * Asked of the stream itself, because a stream that writes synchronously (stdout on a pipe or a
   * file on Linux) emits its 'drain' before the producer gets round to waiting for it.
   */
  get backlogged(): boolean {
    return !this.#closed && this.#out.writableNeedDrain
  }

  /** Resolves when the stream has drained what it buffered, or has failed. */
  async drained(): Promise<void> {
    if (!this.backlogged) return
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.#out.off('drain', done)
        this.#wakeUp = undefined
        resolve()
      }
      this.#wakeUp = done
      this.#out.once('drain', done)
    })
  }

  /** Flushes and waits until the stream has taken everything (or has failed). */
  async end(): Promise<void> {
    this.flush()
    await this.drained()
  }
}
