// Where stored batches live: copied out of the request that brought them into large segments.
//
// Kept as the request's own bytes, every stored batch would hold its request frame (or the
// socket's read buffer) alive, one ArrayBuffer each, for as long as the broker runs. V8 counts
// ArrayBuffer memory as external memory and starts a full (mark-compact) collection each time it
// grows by tens of MB, so a broker taking records at full speed ran several full collections a
// second, with pauses of milliseconds, though its JavaScript heap held ~10 MB. A
// SharedArrayBuffer's memory is not counted per isolate, so segments of it grow the log without
// asking for collections; the request's bytes then die young, freed by the next scavenge.

// Large enough that a segment's tail left unused when the next batch does not fit is small.
const SEGMENT_BYTES = 4 * 1024 * 1024

// A batch this big stays in the request's own bytes: such batches are few per MB stored, so their
// ArrayBuffers matter little to the collector, and copying them (kcat's batches of hundreds of KB)
// cost the broker ~0.1 µs per record more than it saved.
const OWN_BYTES_FROM = 64 * 1024

/** Packs copies of small batches into shared segments. */
export class LogArena {
  #open: Buffer | undefined
  #used = 0
  #last: Buffer | undefined

  /** The segment the last `place` put its batch in. */
  get segment(): Buffer {
    if (this.#last === undefined) throw new Error('LogArena.segment read before any place')
    return this.#last
  }

  /**
   * Copies `bytes` into a segment, or keeps a large batch where it is; returns where in `segment`
   * the batch starts.
   */
  place(bytes: Buffer): number {
    const length = bytes.length
    if (length >= OWN_BYTES_FROM) {
      this.#last = bytes
      return 0
    }
    let open = this.#open
    if (open === undefined || this.#used + length > open.length) {
      open = Buffer.from(new SharedArrayBuffer(SEGMENT_BYTES))
      this.#open = open
      this.#used = 0
    }
    const at = this.#used
    bytes.copy(open, at)
    this.#used = at + length
    this.#last = open
    return at
  }
}

/** The arena of every log in this process (a segment is freed once no batch in it is referenced). */
export const sharedLogArena = new LogArena()
