// The `run` options of the Kafka input (--kafka-input and the options that go with it): checked
// here, with errors that name the option, and turned into a running input.

import type { Chain } from '../engine/chain.js'
import type { Logger } from '../engine/logger.js'
import { ConfigError, ServiceError, UsageError } from '../errors.js'
import { createRecordSender, openGroupConsumer } from '../kafka/client.js'
import { describeClientError } from '../kafka/errors.js'
import { parseBootstrapServers } from '../kafka/producer/bootstrap-servers.js'
import type { ConnectionSecurity } from '../kafka/security-properties.js'
import { KafkaInput } from '../ingest/kafka-input/kafka-input.js'
import { INPUT_FORMATS, type RecordFormat } from '../ingest/kafka-input/record-message.js'
import type { Originator } from '../msg/message.js'
import { NULL_ORIGINATOR } from '../msg/parse-message.js'
import { CONFIG_FIELDS, readKafkaInputConfig, type ConfigOption } from './kafka-input-config.js'
import { inputSecurity } from './kafka-input-properties.js'

/** The option names, for parseArgs. */
export const KAFKA_INPUT_OPTIONS = {
  'kafka-input': { type: 'string' },
  topics: { type: 'string' },
  group: { type: 'string' },
  'input-format': { type: 'string' },
  'msg-type': { type: 'string' },
  originator: { type: 'string' },
  'dead-letter-topic': { type: 'string' },
  'max-in-flight': { type: 'string' },
  'commit-interval-ms': { type: 'string' },
  'session-timeout-ms': { type: 'string' },
  'revoke-timeout-ms': { type: 'string' },
  'client-id': { type: 'string' },
  'kafka-input-config': { type: 'string' },
  'kafka-input-property': { type: 'string', multiple: true },
  'kafka-input-properties': { type: 'string' }
} as const

/** Checked settings of a Kafka input. */
export interface KafkaInputSettings {
  readonly bootstrapServers: readonly string[]
  readonly topics: readonly string[]
  readonly groupId: string
  readonly clientId: string
  readonly format: RecordFormat
  readonly deadLetterTopic: string | undefined
  readonly maxInFlight: number
  readonly commitIntervalMs: number
  readonly sessionTimeoutMs: number
  readonly revokeTimeoutMs: number
  /** TLS and SASL, when any client property is given (PLAINTEXT without). */
  readonly security?: ConnectionSecurity
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/

/**
 * The options' values, from the command line over those of --kafka-input-config, and for each
 * its name in an error: the option for a command-line value, the file and field for the file's.
 */
class Sources {
  readonly #values: Record<string, unknown>
  readonly #file: string | undefined
  readonly #fromFile: ReadonlySet<string>
  /** The `properties` of the file. */
  readonly fileProperties: Readonly<Record<string, string>> | undefined

  constructor(values: Record<string, unknown>) {
    const path = values['kafka-input-config']
    if (path === '') throw new UsageError('--kafka-input-config must name a file')
    this.#file = typeof path === 'string' ? path : undefined
    const config = this.#file === undefined ? undefined : readKafkaInputConfig(this.#file)
    const fromFile = config?.values ?? {}
    this.fileProperties = config?.properties
    const given = Object.keys(CONFIG_FIELDS).filter((o) => values[o] !== undefined)
    this.#fromFile = new Set(Object.keys(fromFile).filter((o) => !given.includes(o)))
    this.#values = { ...fromFile, ...Object.fromEntries(given.map((o) => [o, values[o]])) }
  }

  get file(): string | undefined {
    return this.#file
  }

  value(option: ConfigOption): unknown {
    return this.#values[option]
  }

  name(option: ConfigOption): string {
    return this.#fromFile.has(option)
      ? `--kafka-input-config ${this.#file as string}: ${CONFIG_FIELDS[option]}`
      : `--${option}`
  }

  /** An error about `option`'s value: a usage error on the command line, a config error in the file. */
  error(option: ConfigOption, message: string): Error {
    const text = `${this.name(option)} ${message}`
    return this.#fromFile.has(option) ? new ConfigError(text) : new UsageError(text)
  }
}

function list(sources: Sources, option: ConfigOption): string[] {
  const value = sources.value(option) as string
  const items = value.split(',').map((s) => s.trim())
  if (items.some((s) => s === ''))
    throw sources.error(option, `must be a comma-separated list without empty items (got "${value}")`)
  return items
}

/** host:port entries as the Kafka node's bootstrapServers takes them (an IPv6 host in brackets). */
function servers(sources: Sources): string[] {
  try {
    return parseBootstrapServers(sources.value('kafka-input') as string, sources.name('kafka-input'))
  } catch (error) {
    if (error instanceof ConfigError && sources.name('kafka-input') === '--kafka-input')
      throw new UsageError(error.message)
    throw error
  }
}

function whole(sources: Sources, option: ConfigOption, fallback: number, min: number): number {
  const text = sources.value(option) ?? String(fallback)
  if (typeof text !== 'string' || !/^\d+$/.test(text) || Number(text) < min)
    throw sources.error(option, `must be a whole number of at least ${min} (got "${String(text)}")`)
  return Number(text)
}

function originator(sources: Sources): Originator {
  const text = sources.value('originator')
  if (text === undefined) return NULL_ORIGINATOR
  const match = typeof text === 'string' ? /^([A-Z][A-Z_]*):(.+)$/.exec(text) : null
  if (match === null || !UUID.test(match[2] as string))
    throw sources.error('originator', `must be ENTITY_TYPE:UUID, e.g. DEVICE:<uuid> (got "${String(text)}")`)
  return { entityType: match[1] as string, id: match[2] as string }
}

/** The client properties (security) from the file's `properties`, a .properties file and the command line. */
function security(
  sources: Sources,
  values: Record<string, unknown>,
  warn: (message: string) => void
): ConnectionSecurity | undefined {
  const propertiesFile = values['kafka-input-properties']
  if (propertiesFile === '') throw new UsageError('--kafka-input-properties must name a file')
  const commandLine = values['kafka-input-property']
  return inputSecurity(
    {
      ...(sources.fileProperties === undefined || sources.file === undefined
        ? {}
        : { configFile: { path: sources.file, properties: sources.fileProperties } }),
      ...(typeof propertiesFile === 'string' ? { propertiesFile } : {}),
      ...(Array.isArray(commandLine) ? { commandLine: commandLine as string[] } : {})
    },
    warn
  )
}

const PROPERTY_OPTIONS = ['kafka-input-property', 'kafka-input-properties'] as const

const toStderr = (message: string): void => void process.stderr.write(`kafka-rule-node: ${message}\n`)

/**
 * The Kafka input's settings, or undefined without --kafka-input (or --kafka-input-config). An
 * option on the command line overrides the same setting in the file; `warn` hears of client
 * properties that are ignored.
 */
export function parseKafkaInputOptions(
  values: Record<string, unknown>,
  warn: (message: string) => void = toStderr
): KafkaInputSettings | undefined {
  const sources = new Sources(values)
  if (sources.value('kafka-input') === undefined) {
    if (sources.file !== undefined) throw missing(sources, 'kafka-input', '--kafka-input BOOTSTRAP')
    const stray =
      (Object.keys(CONFIG_FIELDS) as ConfigOption[]).find((o) => sources.value(o) !== undefined) ??
      PROPERTY_OPTIONS.find((o) => values[o] !== undefined)
    if (stray !== undefined) throw new UsageError(`--${stray} needs --kafka-input BOOTSTRAP`)
    return undefined
  }
  if (typeof sources.value('topics') !== 'string') throw missing(sources, 'topics', '--topics T1[,T2...]')
  const group = sources.value('group')
  if (typeof group !== 'string' || group === '') throw missing(sources, 'group', '--group GROUP')
  const format = sources.value('input-format') ?? 'json'
  if (!(INPUT_FORMATS as readonly unknown[]).includes(format))
    throw sources.error(
      'input-format',
      `must be one of ${INPUT_FORMATS.join(', ')} (got "${String(format)}")`
    )
  const rawOnly = (['msg-type', 'originator'] as const).find((o) => sources.value(o) !== undefined)
  if (format === 'json' && rawOnly !== undefined) {
    if (sources.name(rawOnly).startsWith('--kafka-input-config'))
      throw sources.error(rawOnly, 'is for inputFormat raw (a json record names its own)')
    throw new UsageError(
      '--msg-type and --originator are for --input-format raw (a json record names its own)'
    )
  }
  const type = sources.value('msg-type') ?? 'POST_TELEMETRY_REQUEST'
  if (typeof type !== 'string' || type === '') throw sources.error('msg-type', 'must not be empty')
  const deadLetterTopic = sources.value('dead-letter-topic')
  if (deadLetterTopic === '') throw sources.error('dead-letter-topic', 'must not be empty')
  const clientId = sources.value('client-id')
  const secured = security(sources, values, warn)
  return {
    bootstrapServers: servers(sources),
    topics: list(sources, 'topics'),
    groupId: group,
    clientId: typeof clientId === 'string' ? clientId : 'kafka-rule-node',
    format: { format: format as RecordFormat['format'], type, originator: originator(sources) },
    deadLetterTopic: deadLetterTopic as string | undefined,
    maxInFlight: whole(sources, 'max-in-flight', 1000, 1),
    commitIntervalMs: whole(sources, 'commit-interval-ms', 200, 1),
    sessionTimeoutMs: whole(sources, 'session-timeout-ms', 10_000, 1000),
    revokeTimeoutMs: whole(sources, 'revoke-timeout-ms', 10_000, 0),
    ...(secured === undefined ? {} : { security: secured })
  }
}

/** A required setting given neither on the command line nor in the file. */
function missing(sources: Sources, option: ConfigOption, usage: string): Error {
  if (sources.file === undefined) return new UsageError(`--kafka-input needs ${usage}`)
  return new ConfigError(
    `--kafka-input-config ${sources.file} has no ${CONFIG_FIELDS[option]}, and the command line no ${usage}`
  )
}

/** Joins the group and starts feeding `chain`; `failed` is called if the input stops on an error. */
export async function startKafkaInput(
  settings: KafkaInputSettings,
  chain: Chain,
  logger: Logger,
  failed: (error: unknown) => void
): Promise<KafkaInput> {
  let input: KafkaInput
  try {
    input = await KafkaInput.start(
      {
        chain,
        groupId: settings.groupId,
        topics: settings.topics,
        format: settings.format,
        logger,
        ...(settings.deadLetterTopic === undefined
          ? {}
          : {
              deadLetter: {
                topic: settings.deadLetterTopic,
                sender: createRecordSender(settings.bootstrapServers, settings.clientId, settings.security)
              }
            }),
        maxInFlight: settings.maxInFlight,
        commitIntervalMs: settings.commitIntervalMs,
        revokeTimeoutMs: settings.revokeTimeoutMs
      },
      (hooks) =>
        openGroupConsumer({
          ...hooks,
          bootstrapServers: settings.bootstrapServers,
          clientId: settings.clientId,
          groupId: settings.groupId,
          topics: settings.topics,
          sessionTimeoutMs: settings.sessionTimeoutMs,
          heartbeatIntervalMs: Math.max(100, Math.floor(settings.sessionTimeoutMs / 10)),
          bufferedRecords: Math.min(settings.maxInFlight, 1024),
          ...(settings.security === undefined ? {} : { security: settings.security })
        })
    )
  } catch (error) {
    throw new ServiceError(
      `kafka input: cannot consume ${settings.topics.join(', ')} as group ${settings.groupId} from ${settings.bootstrapServers.join(',')}: ${describeClientError(error)}`,
      { cause: error }
    )
  }
  input.run().catch(failed)
  return input
}
