// The Produce request carrying finished record batches for any number of partitions led by one
// broker, in the versions the producer speaks (7-9: Kafka 2.1 and later), and its answer read per
// partition, so that one partition's error fails or retries only that partition's batch.
//
//   Produce Request (v7-8) => transactional_id acks timeout_ms [topic_data]
//     transactional_id => NULLABLE_STRING   acks => INT16   timeout_ms => INT32
//     topic_data => name [partition_data]
//       name => STRING
//       partition_data => index records
//         index => INT32   records => RECORDS (INT32 length + bytes)
//
//   Produce Response (v7-8) => [responses] throttle_time_ms
//     responses => name [partition_responses]
//       partition_responses => index error_code base_offset log_append_time_ms log_start_offset
//                              [record_errors] (v8+) error_message (v8+)
//         record_errors => batch_index INT32  batch_index_error_message NULLABLE_STRING
//     throttle_time_ms => INT32
//
//   v9 is the same, flexible: COMPACT_ strings, arrays and records (UNSIGNED_VARINT length + 1)
//   and a TAG_BUFFER after each structure; the response header has one too.

import { Writer, type Reader } from '../client.js'
import { unsignedVarIntBytes, writeUnsignedVarInt } from './varint.js'

/** Produce versions the producer can send, newest first. */
export const PRODUCE_VERSIONS = [9, 8, 7] as const
/** A Produce version the producer can send. */
export type ProduceVersion = (typeof PRODUCE_VERSIONS)[number]

/** The Produce API's key. */
export const PRODUCE_API_KEY = 0

/** One partition's batch in a request. */
export interface PartitionBatch {
  readonly topic: string
  readonly partition: number
  readonly payload: Buffer
}

/** The broker's answer for one partition. */
export interface PartitionAnswer {
  readonly topic: string
  readonly partition: number
  readonly errorCode: number
  readonly errorMessage: string | null
  readonly baseOffset: bigint
}

/** A Produce request to encode: its version, the acks and timeout it asks for, and its batches. */
export interface ProduceRequest {
  readonly version: ProduceVersion
  readonly acks: number
  /** request.timeout.ms, the broker's time to wait for the acks. */
  readonly timeoutMs: number
  /** One batch per partition. */
  readonly batches: readonly PartitionBatch[]
}

/**
 * Builds the request body for batches of several partitions (one batch per partition), in one
 * buffer: the request is written once per send, so it is not assembled from many small pieces.
 */
export function encodeProduceRequest({ version, acks, timeoutMs, batches }: ProduceRequest): Writer {
  const flexible = version >= 9
  const byTopic = new Map<string, PartitionBatch[]>()
  for (const batch of batches) {
    const list = byTopic.get(batch.topic)
    if (list === undefined) byTopic.set(batch.topic, [batch])
    else list.push(batch)
  }
  // Sizes first: transactional_id, acks, timeout, topic count, then each topic and partition.
  let size = (flexible ? 1 : 2) + 2 + 4 + arrayLengthBytes(byTopic.size, flexible) + (flexible ? 1 : 0)
  for (const [topic, list] of byTopic) {
    const name = Buffer.byteLength(topic, 'utf8')
    size += (flexible ? unsignedVarIntBytes(name + 1) : 2) + name + arrayLengthBytes(list.length, flexible)
    for (const batch of list) {
      const records = batch.payload.length
      size += 4 + (flexible ? unsignedVarIntBytes(records + 1) + 1 : 4) + records
    }
    if (flexible) size += 1
  }
  const out = Buffer.allocUnsafe(size)
  let at = 0
  if (flexible)
    out[at++] = 0 // null transactional_id
  else at = out.writeInt16BE(-1, at)
  at = out.writeInt16BE(acks, at)
  at = out.writeInt32BE(timeoutMs, at)
  at = writeArrayLength(out, at, byTopic.size, flexible)
  for (const [topic, list] of byTopic) {
    const name = Buffer.byteLength(topic, 'utf8')
    at = flexible ? writeUnsignedVarInt(out, at, name + 1) : out.writeInt16BE(name, at)
    at += out.write(topic, at, name, 'utf8')
    at = writeArrayLength(out, at, list.length, flexible)
    for (const batch of list) {
      at = out.writeInt32BE(batch.partition, at)
      const records = batch.payload.length
      at = flexible ? writeUnsignedVarInt(out, at, records + 1) : out.writeInt32BE(records, at)
      out.set(batch.payload, at)
      at += records
      if (flexible) out[at++] = 0 // partition tags
    }
    if (flexible) out[at++] = 0 // topic tags
  }
  if (flexible) out[at++] = 0 // request tags
  const writer = Writer.create().append(out)
  // With acks=0 the broker sends no answer; the connection must not wait for one.
  if (acks === 0) writer.context.noResponse = true
  return writer
}

function arrayLengthBytes(length: number, flexible: boolean): number {
  return flexible ? unsignedVarIntBytes(length + 1) : 4
}

function writeArrayLength(out: Buffer, at: number, length: number, flexible: boolean): number {
  return flexible ? writeUnsignedVarInt(out, at, length + 1) : out.writeInt32BE(length, at)
}

/** Reads the answer of `version`, one entry per partition; errors are returned, not thrown. */
export function produceResponseParser(
  version: ProduceVersion
): (correlationId: number, apiKey: number, apiVersion: number, reader: Reader) => PartitionAnswer[] {
  const flexible = version >= 9
  return (_correlationId, _apiKey, _apiVersion, reader) => {
    const answers: PartitionAnswer[] = []
    reader.readArray(
      (r) => {
        const topic = r.readString(flexible)
        r.readArray(
          (p) => {
            const partition = p.readInt32()
            const errorCode = p.readInt16()
            const baseOffset = p.readInt64()
            p.readInt64() // log_append_time_ms
            p.readInt64() // log_start_offset
            let errorMessage: string | null = null
            if (version >= 8) {
              p.readArray(
                (e) => {
                  e.readInt32()
                  e.readNullableString(flexible)
                },
                flexible,
                flexible
              )
              errorMessage = p.readNullableString(flexible)
            }
            answers.push({ topic, partition, errorCode, errorMessage, baseOffset })
          },
          flexible,
          flexible
        )
      },
      flexible,
      flexible
    )
    return answers
  }
}
