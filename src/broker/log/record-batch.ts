// RecordBatch v2 (protocol guide, "Record Batch"): the broker reads only the header fields it
// needs and stores the batch as it came, whatever its compression. The CRC covers the bytes from
// `attributes` on, so rewriting `baseOffset` (and the leader epoch) leaves it valid.
//
// baseOffset: int64 | batchLength: int32 | partitionLeaderEpoch: int32 | magic: int8 (2) | crc: uint32
// attributes: int16 | lastOffsetDelta: int32 | baseTimestamp: int64 | maxTimestamp: int64
// producerId: int64 | producerEpoch: int16 | baseSequence: int32 | records: [Record]

import { gunzipSync } from 'node:zlib'
import { crc32c } from '@node-rs/crc32'
import { Reader } from '../protocol/reader.js'

/** Where a batch's header fields sit. */
export const BATCH = {
  baseOffset: 0,
  batchLength: 8,
  leaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordCount: 57,
  headerSize: 61
} as const

/** The header of one batch in a produce request, and its bytes. */
export interface BatchHeader {
  readonly bytes: Buffer
  readonly recordCount: number
  readonly lastOffsetDelta: number
  readonly producerId: bigint
  readonly producerEpoch: number
  readonly baseSequence: number
}

/** Splits a produce request's `records` into batches; returns an error text for anything that is not a v2 batch. */
export function splitBatches(records: Buffer): BatchHeader[] | string {
  const batches: BatchHeader[] = []
  let at = 0
  while (at < records.length) {
    if (records.length - at < BATCH.headerSize) return `truncated record batch at byte ${at}`
    const length = records.readInt32BE(at + BATCH.batchLength)
    const end = at + 12 + length
    if (length < BATCH.headerSize - 12 || end > records.length)
      return `record batch length ${length} overruns the request`
    const magic = records.readInt8(at + BATCH.magic)
    if (magic !== 2) return `record batch magic ${magic} is not supported (only v2 batches, Produce v3+)`
    const bytes = records.subarray(at, end)
    batches.push({
      bytes,
      recordCount: bytes.readInt32BE(BATCH.recordCount),
      lastOffsetDelta: bytes.readInt32BE(BATCH.lastOffsetDelta),
      producerId: bytes.readBigInt64BE(BATCH.producerId),
      producerEpoch: bytes.readInt16BE(BATCH.producerEpoch),
      baseSequence: bytes.readInt32BE(BATCH.baseSequence)
    })
    at = end
  }
  return batches
}

/** Whether a batch's CRC-32C matches its bytes from `attributes` on (Kafka's DefaultRecordBatch.isValid). */
export function batchCrcValid(batch: Buffer): boolean {
  return crc32c(batch.subarray(BATCH.attributes)) === batch.readUInt32BE(BATCH.crc)
}

/** A record decoded from a stored batch, for tests and tools. */
export interface StoredRecord {
  readonly offset: number
  readonly timestamp: number
  readonly key: Buffer | null
  readonly value: Buffer | null
  readonly headers: readonly (readonly [string, Buffer | null])[]
}

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd']

/** The compression named in a batch's attributes. */
export function batchCodec(batch: Buffer): string {
  const codec = batch.readInt16BE(BATCH.attributes) & 0x07
  return CODECS[codec] ?? `codec ${codec}`
}

/** Decodes the records of one stored batch; gzip and uncompressed only (the others need libraries). */
export function decodeBatch(batch: Buffer): StoredRecord[] {
  const baseOffset = Number(batch.readBigInt64BE(BATCH.baseOffset))
  const baseTimestamp = Number(batch.readBigInt64BE(BATCH.baseTimestamp))
  const codec = batch.readInt16BE(BATCH.attributes) & 0x07
  let body = batch.subarray(BATCH.headerSize)
  if (codec === 1) body = gunzipSync(body)
  else if (codec !== 0) throw new Error(`cannot decode ${CODECS[codec] ?? codec}-compressed batches here`)
  const reader = new Reader(body)
  const count = batch.readInt32BE(BATCH.recordCount)
  const records: StoredRecord[] = []
  for (let i = 0; i < count; i++) {
    reader.varint() // length
    reader.int8() // attributes
    const timestampDelta = reader.varlong()
    const offsetDelta = reader.varint()
    const key = nullableBytes(reader)
    const value = nullableBytes(reader)
    const headers: [string, Buffer | null][] = []
    const headerCount = reader.varint()
    for (let h = 0; h < headerCount; h++) {
      const name = nullableBytes(reader)?.toString('utf8') ?? ''
      headers.push([name, nullableBytes(reader)])
    }
    records.push({
      offset: baseOffset + offsetDelta,
      timestamp: baseTimestamp + timestampDelta,
      key,
      value,
      headers
    })
  }
  return records
}

function nullableBytes(reader: Reader): Buffer | null {
  const length = reader.varint()
  return length < 0 ? null : reader.bytesOf(length)
}
