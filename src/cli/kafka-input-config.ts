// `run --kafka-input-config FILE`: the Kafka input's settings in a JSON file, for services whose
// unit files or manifests would otherwise carry a long command line. The file holds the same
// settings as the options; here it is read and each field's JSON type checked, and its values are
// handed on in the options' shape, so that one set of checks (kafka-input-options.ts) covers both.
// Its `properties` object holds Java consumer properties (security.protocol, sasl.*, ssl.*), as
// the Kafka node's otherProperties does, checked by kafka-input-properties.ts.

import { readFileSync } from 'node:fs'
import { ConfigError } from '../errors.js'

/** Each command-line option of the Kafka input and the file's field for it. */
export const CONFIG_FIELDS = {
  'kafka-input': 'bootstrapServers',
  topics: 'topics',
  group: 'group',
  'input-format': 'inputFormat',
  'msg-type': 'msgType',
  originator: 'originator',
  'dead-letter-topic': 'deadLetterTopic',
  'max-in-flight': 'maxInFlight',
  'commit-interval-ms': 'commitIntervalMs',
  'session-timeout-ms': 'sessionTimeoutMs',
  'revoke-timeout-ms': 'revokeTimeoutMs',
  'client-id': 'clientId'
} as const

export type ConfigOption = keyof typeof CONFIG_FIELDS

/** Fields that may also be a JSON array of strings (a comma-separated list on the command line). */
const LISTS: readonly string[] = ['bootstrapServers', 'topics']
const NUMBERS: readonly string[] = ['maxInFlight', 'commitIntervalMs', 'sessionTimeoutMs', 'revokeTimeoutMs']

/** The field of the client properties. */
const PROPERTIES = 'properties'

/** What the file holds: settings keyed by option name, as text the option checks take; client properties. */
export interface KafkaInputConfig {
  readonly values: Partial<Record<ConfigOption, string>>
  readonly properties: Readonly<Record<string, string>> | undefined
}

/** Reads the file and checks each field's JSON type. */
export function readKafkaInputConfig(path: string): KafkaInputConfig {
  const where = `--kafka-input-config ${path}`
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    const what = error instanceof SyntaxError ? 'is not JSON' : 'cannot be read'
    throw new ConfigError(`${where} ${what}: ${(error as Error).message}`)
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ConfigError(`${where} must hold a JSON object of settings`)
  const byField = new Map<string, ConfigOption>(
    Object.entries(CONFIG_FIELDS).map(([option, field]) => [field, option as ConfigOption])
  )
  const values: Partial<Record<ConfigOption, string>> = {}
  let properties: Record<string, string> | undefined
  for (const [field, value] of Object.entries(raw)) {
    if (field === PROPERTIES) {
      properties = clientProperties(where, value)
      continue
    }
    const option = byField.get(field)
    if (option === undefined) {
      throw new ConfigError(
        `${where}: unknown field "${field}" (known: ${[...Object.values(CONFIG_FIELDS), PROPERTIES].join(', ')})`
      )
    }
    if (NUMBERS.includes(field)) {
      if (typeof value !== 'number')
        throw new ConfigError(`${where}: ${field} must be a number (got ${JSON.stringify(value)})`)
      values[option] = String(value)
    } else if (LISTS.includes(field) && Array.isArray(value)) {
      if (!value.every((item) => typeof item === 'string'))
        throw new ConfigError(`${where}: ${field} must be an array of strings (got ${JSON.stringify(value)})`)
      values[option] = value.join(',')
    } else if (typeof value === 'string') {
      values[option] = value
    } else {
      const shape = LISTS.includes(field) ? 'a string or an array of strings' : 'a string'
      throw new ConfigError(`${where}: ${field} must be ${shape} (got ${JSON.stringify(value)})`)
    }
  }
  return { values, properties }
}

// An object of string values, as otherProperties; a value is never quoted (it may be a secret).
function clientProperties(where: string, value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ConfigError(
      `${where}: ${PROPERTIES} must be an object of Java consumer properties ("key": "value")`
    )
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string')
      throw new ConfigError(
        `${where}: ${PROPERTIES}.${key} must be a string (got ${Array.isArray(item) ? 'an array' : item === null ? 'null' : `a ${typeof item}`})`
      )
  }
  return value as Record<string, string>
}
