// Reads Kafka's wire primitives from a buffer (protocol guide, "Protocol Primitive Types").
// Every read checks bounds and throws ProtocolDecodeError, which the server turns into a closed
// connection with a log line: a malformed request never takes the broker down.

/** A request that does not follow the grammar. */
export class ProtocolDecodeError extends Error {
  override name = 'ProtocolDecodeError'
}

/** A cursor over one request's bytes. */
export class Reader {
  offset: number

  constructor(
    readonly buffer: Buffer,
    offset = 0
  ) {
    this.offset = offset
  }

  get remaining(): number {
    return this.buffer.length - this.offset
  }

  #need(bytes: number): number {
    const at = this.offset
    if (bytes < 0 || at + bytes > this.buffer.length) {
      throw new ProtocolDecodeError(
        `truncated: need ${bytes} bytes at ${at}, have ${this.buffer.length - at}`
      )
    }
    this.offset = at + bytes
    return at
  }

  int8(): number {
    return this.buffer.readInt8(this.#need(1))
  }

  int16(): number {
    return this.buffer.readInt16BE(this.#need(2))
  }

  int32(): number {
    return this.buffer.readInt32BE(this.#need(4))
  }

  uint32(): number {
    return this.buffer.readUInt32BE(this.#need(4))
  }

  int64(): bigint {
    return this.buffer.readBigInt64BE(this.#need(8))
  }

  bool(): boolean {
    return this.buffer[this.#need(1)] !== 0
  }

  /** Unsigned LEB128, at most 5 bytes (an int32). */
  uvarint(): number {
    let value = 0
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.buffer[this.#need(1)] as number
      value += (byte & 0x7f) * 2 ** shift
      if ((byte & 0x80) === 0) return value
    }
    throw new ProtocolDecodeError('unsigned varint longer than 5 bytes')
  }

  /** Zig-zag varint (record fields). */
  varint(): number {
    const raw = this.uvarint()
    return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2
  }

  /** Zig-zag varlong; record fields fit in a double in practice (timestamps, offsets deltas). */
  varlong(): number {
    let value = 0n
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const byte = BigInt(this.buffer[this.#need(1)] as number)
      value |= (byte & 0x7fn) << shift
      if ((byte & 0x80n) === 0n) return Number((value >> 1n) ^ -(value & 1n))
    }
    throw new ProtocolDecodeError('varlong longer than 10 bytes')
  }

  bytesOf(length: number): Buffer {
    const at = this.#need(length)
    return this.buffer.subarray(at, at + length)
  }

  /** STRING / NULLABLE_STRING (int16 length), or COMPACT_* (uvarint length + 1) when `compact`. */
  string(compact: boolean): string | null {
    const length = compact ? this.uvarint() - 1 : this.int16()
    if (length < 0) return null
    return this.bytesOf(length).toString('utf8')
  }

  /** BYTES / NULLABLE_BYTES (int32 length), or COMPACT_* when `compact`. */
  bytes(compact: boolean): Buffer | null {
    const length = compact ? this.uvarint() - 1 : this.int32()
    if (length < 0) return null
    return this.bytesOf(length)
  }

  /** An array's element count, -1 for null. */
  arrayLength(compact: boolean): number {
    const length = compact ? this.uvarint() - 1 : this.int32()
    if (length > this.remaining)
      throw new ProtocolDecodeError(`array of ${length} elements in ${this.remaining} bytes`)
    return length
  }

  uuid(): string {
    return this.bytesOf(16).toString('hex')
  }

  /** Skips a TAG_BUFFER: we understand no tagged fields, and KIP-482 says unknown ones are ignored. */
  skipTags(): void {
    const count = this.uvarint()
    for (let i = 0; i < count; i++) {
      this.uvarint()
      this.bytesOf(this.uvarint())
    }
  }
}
