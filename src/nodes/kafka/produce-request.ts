// The Produce request for one finished record batch, in the versions the node speaks (7-9: Kafka
// 2.1 and later). The batch bytes are appended as they are; the answer is read by the client's
// own response parsers, whose errors carry the broker's code and the retry decision.
//
//   Produce Request (v7-8) => transactional_id acks timeout_ms [topic_data]
//     transactional_id => NULLABLE_STRING   acks => INT16   timeout_ms => INT32
//     topic_data => name [partition_data]
//       name => STRING
//       partition_data => index records
//         index => INT32   records => RECORDS (INT32 length + bytes)
//
//   Produce Request (v9) => the same, flexible: COMPACT_ strings, arrays and records
//     (UNSIGNED_VARINT length + 1) with a TAG_BUFFER after each structure.

import { Writer, produceV7, produceV8, produceV9, type Reader } from '@platformatic/kafka'

/** Produce versions the node can send, newest first. */
export const PRODUCE_VERSIONS = [9, 8, 7] as const
export type ProduceVersion = (typeof PRODUCE_VERSIONS)[number]

export const PRODUCE_API_KEY = 0

/** Builds the request body for one partition's batch. */
export function encodeProduceRequest(
  version: ProduceVersion,
  acks: number,
  timeoutMs: number,
  topic: string,
  partition: number,
  batch: Buffer
): Writer {
  const flexible = version >= 9
  const writer = Writer.create().appendString(null, flexible).appendInt16(acks).appendInt32(timeoutMs)
  if (flexible) {
    writer
      .appendUnsignedVarInt(2)
      .appendString(topic, true)
      .appendUnsignedVarInt(2)
      .appendInt32(partition)
      .appendUnsignedVarInt(batch.length + 1)
      .append(batch)
      .appendTaggedFields()
      .appendTaggedFields()
      .appendTaggedFields()
  } else {
    writer
      .appendInt32(1)
      .appendString(topic, false)
      .appendInt32(1)
      .appendInt32(partition)
      .appendInt32(batch.length)
      .append(batch)
  }
  // With acks=0 the broker sends no answer; the connection must not wait for one.
  if (acks === 0) writer.context.noResponse = true
  return writer
}

type Parser = (
  correlationId: number,
  apiKey: number,
  apiVersion: number,
  reader: Reader
) => produceV9.ProduceResponse

/** The client's parser for the answer to `version`; it throws the broker's errors. */
export function produceResponseParser(version: ProduceVersion): Parser {
  if (version === 9) return produceV9.parseResponse
  if (version === 8) return produceV8.parseResponse
  return produceV7.parseResponse
}
