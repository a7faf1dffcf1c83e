// Encodes a partition's records as one RecordBatch (magic 2), in a single buffer sized up front:
// the producer hands the client finished batches, so no per-record objects or writers are built on
// the hot path. Layout from the protocol guide ("Record Batch"):
//
//   baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 | crc uint32
//   | attributes int16 | lastOffsetDelta int32 | baseTimestamp int64 | maxTimestamp int64
//   | producerId int64 | producerEpoch int16 | baseSequence int32 | records count int32 | records
//
//   record: length varint | attributes int8 | timestampDelta varlong | offsetDelta varint
//           | keyLength varint | key | valueLength varint | value | headers count varint
//           | (headerKeyLength varint | headerKey | headerValueLength varint | headerValue)*
//
// The CRC (CRC-32C) covers attributes to the end; with compression, everything after the record
// count is compressed.

import { RuleNodeError } from '../../errors.js'
import { compressionsAlgorithms } from '../client.js'
import { ProducerErrorCodes } from '../errors.js'
import { crc32c } from './crc32c.js'
import { varIntBytes, varLongBytes, writeVarInt, writeVarLong } from './varint.js'

/** What a batch needs of a record. Key and value are written as UTF-8 straight into the batch. */
export interface BatchRecord {
  readonly key: string | undefined
  /** The key's length in UTF-8 bytes. */
  readonly keyBytes: number
  readonly value: string
  /** The value's length in UTF-8 bytes. */
  readonly valueBytes: number
  /** Entries sent as headers (each through the batch's HeaderCodec), or undefined for none. */
  readonly headers: Readonly<Record<string, string>> | undefined
  /** How many entries `headers` has. */
  readonly headerCount: number
  /** The bytes of the record's header section (count and entries), as measured by whoever built the record. */
  readonly headerBytes: number
  /** Milliseconds since the epoch (CreateTime). */
  readonly timestamp: number
}

/** How header entries become bytes: the name for an entry's key, and the value in a charset. */
export interface HeaderCodec {
  /** The header name for entry `key`, the `index`th entry of its record (a hint for caching). */
  name(key: string, index: number): Buffer
  valueBytes(value: string): number
  /** Writes the value (`bytes` long) at `at`. */
  writeValue(out: Buffer, at: number, value: string, bytes: number): void
}

/** Writes `text` (`bytes` long in UTF-8) at `at`; short ASCII text without a call into the runtime. */
export function writeUtf8(out: Buffer, at: number, text: string, bytes: number): void {
  if (bytes === text.length && bytes <= 48) {
    // Equal lengths mean every character is ASCII (one byte each).
    for (let i = 0; i < bytes; i++) out[at + i] = text.charCodeAt(i)
  } else {
    out.write(text, at, bytes, 'utf8')
  }
}

/** Compression codecs by their Kafka name. */
export type Compression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd'

/** Who writes the batch: an idempotent producer's id, epoch and first sequence, or none (-1). */
export interface ProducerStamp {
  readonly producerId: bigint
  readonly producerEpoch: number
  readonly baseSequence: number
}

/** The stamp of a producer that is not idempotent. */
export const NO_PRODUCER: ProducerStamp = { producerId: -1n, producerEpoch: -1, baseSequence: -1 }

/** The batch header's bytes, before the records (or their compressed form). */
export const BATCH_HEADER_BYTES = 61
const CRC_OFFSET = 17
const ATTRIBUTES_OFFSET = 21

const CODEC_BITS: Record<Compression, number> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 }

/** Encodes the records as one batch; `records` must not be empty. */
export function encodeRecordBatch(
  records: readonly BatchRecord[],
  compression: Compression,
  producer: ProducerStamp = NO_PRODUCER,
  headers: HeaderCodec = NO_HEADERS
): Buffer {
  if (compression === 'none') {
    const encoded = encodeRecords(records, headers, BATCH_HEADER_BYTES)
    return sealBatch(encoded.bytes, encoded, compression, producer)
  }
  const encoded = encodeRecords(records, headers, 0)
  const compressed = compressionsAlgorithms[compression].compressSync(encoded.bytes)
  const batch = Buffer.allocUnsafe(BATCH_HEADER_BYTES + compressed.length)
  compressed.copy(batch, BATCH_HEADER_BYTES)
  return sealBatch(batch, encoded, compression, producer)
}

/** A batch's records encoded one after another (uncompressed), and what its header says of them. */
export interface EncodedRecords {
  /** `headroom` bytes (left for the batch header), then the records. */
  readonly bytes: Buffer
  readonly count: number
  readonly baseTimestamp: number
  readonly maxTimestamp: number
}

/**
 * Encodes the records (`records` must not be empty) after `headroom` bytes: BATCH_HEADER_BYTES
 * when they are the batch as they are, 0 when they are to be compressed first.
 */
export function encodeRecords(
  records: readonly BatchRecord[],
  headers: HeaderCodec,
  headroom: number
): EncodedRecords {
  const first = records[0]
  if (first === undefined)
    throw new RuleNodeError('a record batch needs at least one record', {
      code: ProducerErrorCodes.INVALID_BATCH
    })
  const baseTimestamp = first.timestamp
  let maxTimestamp = baseTimestamp
  let bodyBytes = 0
  const lengths = new Array<number>(records.length)
  for (let i = 0; i < records.length; i++) {
    const record = records[i] as BatchRecord
    if (record.timestamp > maxTimestamp) maxTimestamp = record.timestamp
    const length = recordBodyLength(record, record.timestamp - baseTimestamp, i)
    lengths[i] = length
    bodyBytes += varIntBytes(length) + length
  }

  const bytes = Buffer.allocUnsafe(headroom + bodyBytes)
  let at = headroom
  for (let i = 0; i < records.length; i++) {
    at = writeRecord(bytes, at, records[i] as BatchRecord, lengths[i] as number, baseTimestamp, i, headers)
  }
  return { bytes, count: records.length, baseTimestamp, maxTimestamp }
}

/**
 * Writes the batch header into the first BATCH_HEADER_BYTES of `batch`, whose rest is the
 * records of `encoded` as `compression` left them, and its CRC; returns `batch`.
 */
export function sealBatch(
  batch: Buffer,
  encoded: EncodedRecords,
  compression: Compression,
  producer: ProducerStamp
): Buffer {
  batch.writeBigInt64BE(0n, 0)
  batch.writeInt32BE(batch.length - 12, 8)
  batch.writeInt32BE(-1, 12) // partitionLeaderEpoch: set by the broker
  batch.writeInt8(2, 16)
  batch.writeInt16BE(CODEC_BITS[compression], ATTRIBUTES_OFFSET) // CreateTime, not transactional
  batch.writeInt32BE(encoded.count - 1, 23)
  writeInt64(batch, encoded.baseTimestamp, 27)
  writeInt64(batch, encoded.maxTimestamp, 35)
  batch.writeBigInt64BE(producer.producerId, 43)
  batch.writeInt16BE(producer.producerEpoch, 51)
  batch.writeInt32BE(producer.baseSequence, 53)
  batch.writeInt32BE(encoded.count, 57)
  batch.writeUInt32BE(crc32c(batch.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET)
  return batch
}

function recordBodyLength(record: BatchRecord, timestampDelta: number, offsetDelta: number): number {
  let length = 1 + varLongBytes(timestampDelta) + varIntBytes(offsetDelta)
  length += record.key === undefined ? 1 : varIntBytes(record.keyBytes) + record.keyBytes
  length += varIntBytes(record.valueBytes) + record.valueBytes
  return length + (record.headers === undefined ? 1 : record.headerBytes)
}

function writeRecord(
  out: Buffer,
  at: number,
  record: BatchRecord,
  length: number,
  baseTimestamp: number,
  offsetDelta: number,
  codec: HeaderCodec
): number {
  at = writeVarInt(out, at, length)
  out[at++] = 0
  at = writeVarLong(out, at, record.timestamp - baseTimestamp)
  at = writeVarInt(out, at, offsetDelta)
  if (record.key === undefined) {
    at = writeVarInt(out, at, -1)
  } else {
    at = writeVarInt(out, at, record.keyBytes)
    writeUtf8(out, at, record.key, record.keyBytes)
    at += record.keyBytes
  }
  at = writeVarInt(out, at, record.valueBytes)
  writeUtf8(out, at, record.value, record.valueBytes)
  at += record.valueBytes
  const headers = record.headers
  if (headers === undefined) return writeVarInt(out, at, 0)
  at = writeVarInt(out, at, record.headerCount)
  let index = 0
  for (const key in headers) {
    const name = codec.name(key, index++)
    const value = headers[key] as string
    const valueBytes = codec.valueBytes(value)
    at = writeVarInt(out, at, name.length)
    out.set(name, at)
    at += name.length
    at = writeVarInt(out, at, valueBytes)
    codec.writeValue(out, at, value, valueBytes)
    at += valueBytes
  }
  return at
}

/** For records without headers: a record with headers then is an error. */
export const NO_HEADERS: HeaderCodec = {
  name: () => {
    throw new RuleNodeError('records with headers need a HeaderCodec', {
      code: ProducerErrorCodes.INVALID_BATCH
    })
  },
  valueBytes: () => 0,
  writeValue: () => {}
}

// Timestamps are whole milliseconds well inside 2^53: two 32-bit halves, no BigInt per batch.
function writeInt64(out: Buffer, value: number, at: number): void {
  if (value < 0) {
    out.writeBigInt64BE(BigInt(value), at)
    return
  }
  out.writeUInt32BE(Math.floor(value / 2 ** 32), at)
  out.writeUInt32BE(value >>> 0, at + 4)
}
