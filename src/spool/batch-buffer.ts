// The message records of the batch being gathered, encoded back to back into one buffer that is
// used again once the batch is written: a buffer per record would be garbage for nothing, and on
// the spooled HTTP front such short-lived buffers cost more garbage collection than the records'
// encoding itself (BENCHMARKS.md).

import { encodeMessageInto, messageRecordBound } from './record.js'

const INITIAL_BYTES = 256 << 10
// A buffer grown past this for one large batch is not kept for the next ones.
const KEEP_BYTES = 4 << 20

export class BatchBuffer {
  #bytes = Buffer.allocUnsafe(INITIAL_BYTES)
  #used = 0

  /** Bytes of records gathered. */
  get used(): number {
    return this.#used
  }

  /** Encodes a message record after those gathered; returns its length. */
  appendMessage(id: number, payload: Uint8Array | string): number {
    const room = this.#used + messageRecordBound(payload)
    if (room > this.#bytes.length) this.#grow(room)
    const start = this.#used
    this.#used = encodeMessageInto(this.#bytes, start, id, payload)
    return this.#used - start
  }

  /** Takes back the last record appended, `length` bytes (one refused once its size was known). */
  dropLast(length: number): void {
    this.#used -= length
  }

  /**
   * The records gathered, and the buffer emptied for the next batch. The bytes returned are the
   * buffer's own, overwritten by the next append: write them before anything else can append.
   */
  take(): Buffer {
    const records = this.#bytes.subarray(0, this.#used)
    this.#used = 0
    if (this.#bytes.length > KEEP_BYTES) this.#bytes = Buffer.allocUnsafe(INITIAL_BYTES)
    return records
  }

  #grow(needed: number): void {
    const bytes = Buffer.allocUnsafe(Math.max(needed, this.#bytes.length * 2))
    this.#bytes.copy(bytes, 0, 0, this.#used)
    this.#bytes = bytes
  }
}
