// The spool's record format. A segment file is records back to back, each framed as
//
//   length  uint32 BE   bytes of the body that follows the checksum (at least 1)
//   crc     uint32 BE   CRC-32C (Castagnoli, as Kafka's RecordBatch uses) of the body
//   body    kind uint8, then
//             kind 1, message: id uint64 BE, payload bytes
//             kind 2, done:    id uint64 BE, repeated: messages that have left the chain
//
// The checksum covers the kind and the ids, so a torn or flipped byte anywhere in a record is
// caught. A zero-filled tail (zeros the spool wrote ahead of its records, or a file extended by the
// kernel but never written) is where the records end: a frame's length is never 0.

import { crc32c } from '@node-rs/crc32'

/** Bytes of the frame before the body: length and checksum. */
export const FRAME_BYTES = 8
const ID_BYTES = 8
const TWO_32 = 2 ** 32

/** What a record holds. */
export enum RecordKind {
  Message = 1,
  Done = 2
}

/** A message the spool accepted: its id and the bytes it was given. */
export interface MessageRecord {
  readonly kind: RecordKind.Message
  readonly id: number
  readonly payload: Buffer
}

/** Ids of messages that have left the chain. */
export interface DoneRecord {
  readonly kind: RecordKind.Done
  readonly ids: number[]
}

/** A decoded record. */
export type SpoolRecord = MessageRecord | DoneRecord

function writeId(target: Buffer, at: number, id: number): void {
  target.writeUInt32BE(Math.floor(id / TWO_32), at)
  target.writeUInt32BE(id % TWO_32, at + 4)
}

function readId(source: Buffer, at: number): number {
  return source.readUInt32BE(at) * TWO_32 + source.readUInt32BE(at + 4)
}

/** Fills in the frame of a record whose body is already in place. */
function frame(record: Buffer): Buffer {
  record.writeUInt32BE(record.length - FRAME_BYTES, 0)
  record.writeUInt32BE(crc32c(record.subarray(FRAME_BYTES)), 4)
  return record
}

/** The most bytes a message record of `payload` can take (a string's UTF-8 length is not counted first). */
export function messageRecordBound(payload: Uint8Array | string): number {
  return FRAME_BYTES + 1 + ID_BYTES + (typeof payload === 'string' ? payload.length * 3 : payload.length)
}

/**
 * Encodes a message record into `target` at `at`, which has room for `messageRecordBound(payload)`
 * bytes there; a string payload is written as UTF-8 straight into it. Returns where the record ends.
 */
export function encodeMessageInto(
  target: Buffer,
  at: number,
  id: number,
  payload: Uint8Array | string
): number {
  const body = at + FRAME_BYTES
  const data = body + 1 + ID_BYTES
  const end =
    data +
    (typeof payload === 'string'
      ? target.write(payload, data, 'utf8')
      : (target.set(payload, data), payload.length))
  target[body] = RecordKind.Message
  writeId(target, body + 1, id)
  target.writeUInt32BE(end - body, at)
  target.writeUInt32BE(crc32c(target.subarray(body, end)), at + 4)
  return end
}

/** The framed bytes of a message record. */
export function encodeMessage(id: number, payload: Uint8Array | string): Buffer {
  const record = Buffer.allocUnsafe(messageRecordBound(payload))
  return record.subarray(0, encodeMessageInto(record, 0, id, payload))
}

/** The framed bytes of a done record for `ids`. */
export function encodeDone(ids: readonly number[]): Buffer {
  const record = Buffer.allocUnsafe(FRAME_BYTES + 1 + ID_BYTES * ids.length)
  record[FRAME_BYTES] = RecordKind.Done
  for (let i = 0; i < ids.length; i++) writeId(record, FRAME_BYTES + 1 + ID_BYTES * i, ids[i] as number)
  return frame(record)
}

/** The record whose frame starts at `at`, with its end; undefined when the bytes there are not a whole, valid record. */
function decodeAt(bytes: Buffer, at: number): { record: SpoolRecord; end: number } | undefined {
  if (at + FRAME_BYTES > bytes.length) return undefined
  const length = bytes.readUInt32BE(at)
  const end = at + FRAME_BYTES + length
  if (length < 1 || end > bytes.length) return undefined
  const body = bytes.subarray(at + FRAME_BYTES, end)
  if (crc32c(body) !== bytes.readUInt32BE(at + 4)) return undefined
  const kind = body[0]
  if (kind === RecordKind.Message && length >= 1 + ID_BYTES) {
    return {
      record: { kind, id: readId(body, 1), payload: Buffer.from(body.subarray(1 + ID_BYTES)) },
      end
    }
  }
  if (kind === RecordKind.Done && (length - 1) % ID_BYTES === 0) {
    const ids: number[] = []
    for (let i = 1; i < length; i += ID_BYTES) ids.push(readId(body, i))
    return { record: { kind, ids }, end }
  }
  return undefined
}

/** True when every byte from `at` to the end is 0. */
function isZeros(bytes: Buffer, at: number): boolean {
  for (let i = at; i < bytes.length; i++) if (bytes[i] !== 0) return false
  return true
}

/** What a scan of a segment found. */
export interface SegmentScan {
  /** The valid records, in file order. */
  readonly records: SpoolRecord[]
  /** Bytes from the start that hold valid records; the rest is zeros, or a torn or corrupt tail. */
  readonly validBytes: number
  /**
   * Records lost past `validBytes` (none when all of it is zeros): the broken one, plus every
   * whole, valid record found after it (a flipped byte mid-file, rather than a write cut short,
   * leaves good records behind it).
   */
  readonly lostRecords: number
}

/** Reads a segment's records up to the first one whose frame or checksum is broken. */
export function scanSegment(bytes: Buffer): SegmentScan {
  const records: SpoolRecord[] = []
  let at = 0
  for (;;) {
    const decoded = decodeAt(bytes, at)
    if (decoded === undefined) break
    records.push(decoded.record)
    at = decoded.end
  }
  if (at === bytes.length || isZeros(bytes, at)) return { records, validBytes: at, lostRecords: 0 }
  // Past the break, a frame can start at any byte; only a checksum that matches counts one.
  let lost = 1
  for (let probe = at + 1; probe + FRAME_BYTES < bytes.length;) {
    const decoded = decodeAt(bytes, probe)
    if (decoded === undefined) probe++
    else {
      lost++
      probe = decoded.end
    }
  }
  return { records, validBytes: at, lostRecords: lost }
}
