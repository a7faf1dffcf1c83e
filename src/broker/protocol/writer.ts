// Writes Kafka's wire primitives into one growing buffer; a response is built once, then framed.

/** An append-only buffer with Kafka's encodings. */
export class Writer {
  #buffer: Buffer
  #length = 0

  constructor(capacity = 256) {
    this.#buffer = Buffer.allocUnsafe(capacity)
  }

  get length(): number {
    return this.#length
  }

  // Grows the buffer first: callers must take the position before touching #buffer.
  #room(bytes: number): number {
    const at = this.#length
    if (at + bytes > this.#buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.#buffer.length * 2, at + bytes))
      this.#buffer.copy(grown, 0, 0, at)
      this.#buffer = grown
    }
    this.#length = at + bytes
    return at
  }

  int8(value: number): this {
    const at = this.#room(1)
    this.#buffer.writeInt8(value, at)
    return this
  }

  int16(value: number): this {
    const at = this.#room(2)
    this.#buffer.writeInt16BE(value, at)
    return this
  }

  int32(value: number): this {
    const at = this.#room(4)
    this.#buffer.writeInt32BE(value, at)
    return this
  }

  uint32(value: number): this {
    const at = this.#room(4)
    this.#buffer.writeUInt32BE(value >>> 0, at)
    return this
  }

  /** A number (an offset, a timestamp: below 2^53) is written as two halves, with no BigInt made. */
  int64(value: bigint | number): this {
    const at = this.#room(8)
    if (typeof value === 'bigint') {
      this.#buffer.writeBigInt64BE(value, at)
      return this
    }
    const high = Math.floor(value / 2 ** 32)
    this.#buffer.writeInt32BE(high, at)
    this.#buffer.writeUInt32BE(value - high * 2 ** 32, at + 4)
    return this
  }

  bool(value: boolean): this {
    return this.int8(value ? 1 : 0)
  }

  uvarint(value: number): this {
    let rest = value
    while (rest >= 0x80) {
      const at = this.#room(1)
      this.#buffer[at] = (rest & 0x7f) | 0x80
      rest = Math.floor(rest / 128)
    }
    const last = this.#room(1)
    this.#buffer[last] = rest
    return this
  }

  varint(value: number): this {
    return this.uvarint(value >= 0 ? value * 2 : -value * 2 - 1)
  }

  raw(bytes: Uint8Array): this {
    const at = this.#room(bytes.length)
    this.#buffer.set(bytes, at)
    return this
  }

  string(value: string | null, compact: boolean): this {
    if (value === null) return compact ? this.uvarint(0) : this.int16(-1)
    const length = Buffer.byteLength(value)
    if (compact) this.uvarint(length + 1)
    else this.int16(length)
    const at = this.#room(length)
    this.#buffer.write(value, at, 'utf8')
    return this
  }

  bytes(value: Uint8Array | null, compact: boolean): this {
    if (value === null) return compact ? this.uvarint(0) : this.int32(-1)
    if (compact) this.uvarint(value.length + 1)
    else this.int32(value.length)
    return this.raw(value)
  }

  arrayLength(length: number, compact: boolean): this {
    return compact ? this.uvarint(length + 1) : this.int32(length)
  }

  uuid(hex: string): this {
    return this.raw(Buffer.from(hex.padStart(32, '0'), 'hex'))
  }

  /** An empty TAG_BUFFER. */
  tags(): this {
    return this.uvarint(0)
  }

  /** The bytes written so far (a view, not a copy). */
  finish(): Buffer {
    return this.#buffer.subarray(0, this.#length)
  }
}
