// `run --kafka-input-config FILE`: the Kafka input's settings in a JSON file, for services whose
// unit files or manifests would otherwise carry a long command line. The file holds the same
// settings as the options; here it is read and each field's JSON type checked, and its values are
// handed on in the options' shape, so that one set of checks (kafka-input-options.ts) covers both.

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

/** The file's settings keyed by option name, as text the option checks take. */
export function readKafkaInputConfig(path: string): Partial<Record<ConfigOption, string>> {
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
  for (const [field, value] of Object.entries(raw)) {
    const option = byField.get(field)
    if (option === undefined) {
      throw new ConfigError(
        `${where}: unknown field "${field}" (known: ${Object.values(CONFIG_FIELDS).join(', ')})`
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
  return values
}
