// A Kafka record as a rule-engine message, in one of two formats. `json`: the value is a message
// in the NDJSON input's shape, read by the same parser as stdin. `raw`: the value is the data, and
// headers `tb_msg_md_<key>` are metadata entries, as the Kafka node writes them, so that a chain
// reads what another chain's Kafka node wrote with its metadata intact. Either way the record's
// coordinates are added as metadata.

import { MessageError } from '../../errors.js'
import { mergeMetadata } from '../../msg/merge-metadata.js'
import { TbMsg, type Originator } from '../../msg/message.js'
import { parseMessage } from '../../msg/parse-message.js'
import type { ConsumedRecord } from '../../kafka/client.js'

export const INPUT_FORMATS = ['json', 'raw'] as const
export type InputFormat = (typeof INPUT_FORMATS)[number]

/** How records become messages. */
export interface RecordFormat {
  readonly format: InputFormat
  /** The type of a `raw` message. */
  readonly type: string
  /** The originator of a `raw` message. */
  readonly originator: Originator
}

const METADATA_HEADER = 'tb_msg_md_'
const utf8 = new TextDecoder('utf-8', { fatal: true })

function text(bytes: Buffer, what: string): string {
  try {
    return utf8.decode(bytes)
  } catch {
    throw new MessageError(`${what} is not valid UTF-8`)
  }
}

/** The metadata a record adds to its message: where it was read. */
export function recordMetadata(record: ConsumedRecord): Record<string, string> {
  const metadata: Record<string, string> = {
    kafkaTopic: record.topic,
    kafkaPartition: String(record.partition),
    kafkaOffset: String(record.offset),
    kafkaTimestamp: String(record.timestamp)
  }
  // A record without a key has no kafkaKey, so that it differs from one with an empty key.
  if (record.key !== undefined && record.key !== null) metadata.kafkaKey = text(record.key, 'the key')
  return metadata
}

/** The message of a record; a MessageError says why a record is not one. */
export function recordToMessage(record: ConsumedRecord, format: RecordFormat): TbMsg {
  const value = record.value
  if (value === undefined || value === null) throw new MessageError('the record has no value (a tombstone)')
  const coordinates = recordMetadata(record)
  if (format.format === 'json') {
    return parseMessage(text(value, 'the value')).withMetadata(coordinates)
  }
  const metadata: Record<string, string> = {}
  for (const [name, headerValue] of record.headers) {
    const key = name.toString('latin1')
    if (!key.startsWith(METADATA_HEADER)) continue
    const entry = text(name, 'a header name').slice(METADATA_HEADER.length)
    metadata[entry] = text(headerValue, `header ${key}`)
  }
  const data = text(value, 'the value')
  return TbMsg.create({
    ts: Number(record.timestamp),
    type: format.type,
    originator: format.originator,
    metadata: mergeMetadata(metadata, coordinates),
    dataType: isJson(data) ? 'JSON' : 'TEXT',
    data
  })
}

function isJson(data: string): boolean {
  try {
    JSON.parse(data)
    return true
  } catch {
    return false
  }
}
