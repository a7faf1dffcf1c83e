// Variable-length integers of the Kafka protocol, written into buffers sized up front: unsigned
// varints (compact lengths of flexible versions) and zig-zag varints (record fields, protobuf's
// encoding). Record timestamps need 64-bit zig-zag; they stay exact in a double up to 2^53, so
// that path is done in arithmetic rather than with 32-bit operators.

/** Bytes of a non-negative integer (up to 2^53) as an unsigned varint. */
export function unsignedVarIntBytes(value: number): number {
  let bytes = 1
  while (value >= 0x80) {
    value = Math.floor(value / 128)
    bytes++
  }
  return bytes
}

/** Writes a non-negative integer (up to 2^53) as an unsigned varint at `at`; returns the next offset. */
export function writeUnsignedVarInt(out: Buffer, at: number, value: number): number {
  while (value >= 0x80) {
    out[at++] = (value % 128) | 0x80
    value = Math.floor(value / 128)
  }
  out[at++] = value
  return at
}

/** Bytes of a 32-bit integer as a zig-zag varint. */
export function varIntBytes(value: number): number {
  let zigzag = ((value << 1) ^ (value >> 31)) >>> 0
  let bytes = 1
  while (zigzag >= 0x80) {
    zigzag >>>= 7
    bytes++
  }
  return bytes
}

/** Writes a 32-bit integer as a zig-zag varint at `at`; returns the next offset. */
export function writeVarInt(out: Buffer, at: number, value: number): number {
  let zigzag = ((value << 1) ^ (value >> 31)) >>> 0
  while (zigzag >= 0x80) {
    out[at++] = (zigzag & 0x7f) | 0x80
    zigzag >>>= 7
  }
  out[at++] = zigzag
  return at
}

/** Bytes of an integer within ±2^52 as a 64-bit zig-zag varint (varlong). */
export function varLongBytes(value: number): number {
  return unsignedVarIntBytes(zigzag64(value))
}

/** Writes an integer within ±2^52 as a 64-bit zig-zag varint at `at`; returns the next offset. */
export function writeVarLong(out: Buffer, at: number, value: number): number {
  return writeUnsignedVarInt(out, at, zigzag64(value))
}

function zigzag64(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1
}
