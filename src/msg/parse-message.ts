import { randomUUID } from 'node:crypto'
import { MessageError } from '../errors.js'
import { rawValueAt } from './json-text.js'
import { TbMsg, type DataType, type Originator } from './message.js'

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/
const ENTITY_TYPE = /^[A-Z][A-Z_]*$/
const DATA_TYPES: readonly DataType[] = ['JSON', 'TEXT', 'BINARY']

/** ThingsBoard's EntityId.NULL_UUID, the originator of a message that names none. */
export const NULL_ORIGINATOR: Originator = Object.freeze({
  entityType: 'DEVICE',
  id: '13814000-1dd2-11b2-8080-808080808080'
})

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (value === undefined) return 'nothing'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'object') return 'an object'
  return `${typeof value} ${String(value)}`
}

function parseOriginator(value: unknown): Originator {
  if (value === undefined) return NULL_ORIGINATOR
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MessageError(`originator must be an object {"entityType","id"} (got ${describe(value)})`)
  }
  const { entityType, id } = value as Record<string, unknown>
  if (typeof entityType !== 'string' || !ENTITY_TYPE.test(entityType)) {
    throw new MessageError(
      `originator.entityType must be an upper-case entity type such as "DEVICE" (got ${describe(entityType)})`
    )
  }
  if (typeof id !== 'string' || !UUID.test(id)) {
    throw new MessageError(`originator.id must be a UUID (got ${describe(id)})`)
  }
  return { entityType, id }
}

function parseMetadata(value: unknown): Record<string, string> {
  if (value === undefined) return {}
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MessageError(`metadata must be an object of strings (got ${describe(value)})`)
  }
  const metadata = value as Record<string, unknown>
  for (const key in metadata) {
    const entry = metadata[key]
    if (typeof entry !== 'string') {
      throw new MessageError(`metadata.${key} must be a string (got ${describe(entry)})`)
    }
  }
  return metadata as Record<string, string>
}

/**
 * Builds a message from its parsed JSON form. `text` is the JSON it came from, so that `data`
 * given as a JSON value keeps its text exactly as written.
 */
export function messageFromJson(value: unknown, text?: string): TbMsg {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MessageError(`a message must be a JSON object (got ${describe(value)})`)
  }
  const fields = value as Record<string, unknown>
  const { type, id, ts, dataType, data } = fields
  if (type === undefined) throw new MessageError('type is missing (e.g. "POST_TELEMETRY_REQUEST")')
  if (typeof type !== 'string' || type === '') {
    throw new MessageError(`type must be a non-empty string (got ${describe(type)})`)
  }
  if (id !== undefined && (typeof id !== 'string' || !UUID.test(id))) {
    throw new MessageError(`id must be a UUID (got ${describe(id)})`)
  }
  if (ts !== undefined && (typeof ts !== 'number' || !Number.isSafeInteger(ts) || ts < 0)) {
    throw new MessageError(`ts must be a non-negative integer of milliseconds (got ${describe(ts)})`)
  }
  if (dataType !== undefined && !DATA_TYPES.includes(dataType as DataType)) {
    throw new MessageError(`dataType must be one of ${DATA_TYPES.join(', ')} (got ${describe(dataType)})`)
  }
  let dataText: string
  if (data === undefined) dataText = '{}'
  else if (typeof data === 'string') dataText = data
  else dataText = (text === undefined ? undefined : rawValueAt(text, ['data'])) ?? JSON.stringify(data)

  return new TbMsg({
    id: id ?? randomUUID(),
    ts: ts ?? Date.now(),
    type,
    originator: parseOriginator(fields.originator),
    metadata: parseMetadata(fields.metadata),
    dataType: (dataType as DataType | undefined) ?? 'JSON',
    data: dataText
  })
}

/** Parses one line of NDJSON input into a message; errors say what is wrong with it. */
export function parseMessage(text: string): TbMsg {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new MessageError(`not valid JSON: ${(error as Error).message}`)
  }
  return messageFromJson(value, text)
}
