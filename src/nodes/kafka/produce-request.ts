// The Produce request carrying finished record batches for any number of partitions led by one
// broker, in the versions the node speaks (7-9: Kafka 2.1 and later), and its answer read per
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

import { Writer, type Reader } from '@platformatic/kafka'

/** Produce versions the node can send, newest first. */
export const PRODUCE_VERSIONS = [9, 8, 7] as const
export type ProduceVersion = (typeof PRODUCE_VERSIONS)[number]

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

/** Builds the request body for batches of several partitions (one batch per partition). */
export function encodeProduceRequest(
  version: ProduceVersion,
  acks: number,
  timeoutMs: number,
  batches: readonly PartitionBatch[]
): Writer {
  const flexible = version >= 9
  const byTopic = new Map<string, PartitionBatch[]>()
  for (const batch of batches) {
    const list = byTopic.get(batch.topic)
    if (list === undefined) byTopic.set(batch.topic, [batch])
    else list.push(batch)
  }
  const writer = Writer.create().appendString(null, flexible).appendInt16(acks).appendInt32(timeoutMs)
  arrayLength(writer, byTopic.size, flexible)
  for (const [topic, list] of byTopic) {
    writer.appendString(topic, flexible)
    arrayLength(writer, list.length, flexible)
    for (const batch of list) {
      writer.appendInt32(batch.partition)
      if (flexible) writer.appendUnsignedVarInt(batch.payload.length + 1)
      else writer.appendInt32(batch.payload.length)
      writer.append(batch.payload)
      if (flexible) writer.appendTaggedFields()
    }
    if (flexible) writer.appendTaggedFields()
  }
  if (flexible) writer.appendTaggedFields()
  // With acks=0 the broker sends no answer; the connection must not wait for one.
  if (acks === 0) writer.context.noResponse = true
  return writer
}

function arrayLength(writer: Writer, length: number, flexible: boolean): void {
  if (flexible) writer.appendUnsignedVarInt(length + 1)
  else writer.appendInt32(length)
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
