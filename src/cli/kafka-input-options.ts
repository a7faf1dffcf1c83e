// The `run` options of the Kafka input (--kafka-input and the options that go with it): checked
// here, with errors that name the option, and turned into a running input.

import type { Chain } from '../engine/chain.js'
import type { Logger } from '../engine/logger.js'
import { ConfigError, ServiceError, UsageError, describeError } from '../errors.js'
import { createRecordSender, openGroupConsumer } from '../kafka/client.js'
import { parseBootstrapServers } from '../kafka/producer/bootstrap-servers.js'
import { KafkaInput } from '../ingest/kafka-input/kafka-input.js'
import { INPUT_FORMATS, type RecordFormat } from '../ingest/kafka-input/record-message.js'
import type { Originator } from '../msg/message.js'
import { NULL_ORIGINATOR } from '../msg/parse-message.js'

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
  'client-id': { type: 'string' }
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
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/

function list(value: string, option: string): string[] {
  const items = value.split(',').map((s) => s.trim())
  if (items.some((s) => s === ''))
    throw new UsageError(`--${option} must be a comma-separated list without empty items (got "${value}")`)
  return items
}

/** host:port entries as the Kafka node's bootstrapServers takes them (an IPv6 host in brackets). */
function servers(value: string): string[] {
  try {
    return parseBootstrapServers(value, '--kafka-input')
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message)
    throw error
  }
}

function whole(values: Record<string, unknown>, option: string, fallback: number, min: number): number {
  const text = values[option] ?? String(fallback)
  if (typeof text !== 'string' || !/^\d+$/.test(text) || Number(text) < min) {
    throw new UsageError(`--${option} must be a whole number of at least ${min} (got "${String(text)}")`)
  }
  return Number(text)
}

function originator(text: unknown): Originator {
  if (text === undefined) return NULL_ORIGINATOR
  const match = typeof text === 'string' ? /^([A-Z][A-Z_]*):(.+)$/.exec(text) : null
  if (match === null || !UUID.test(match[2] as string)) {
    throw new UsageError(`--originator must be ENTITY_TYPE:UUID, e.g. DEVICE:<uuid> (got "${String(text)}")`)
  }
  return { entityType: match[1] as string, id: match[2] as string }
}

/** The Kafka input's settings, or undefined without --kafka-input. */
export function parseKafkaInputOptions(values: Record<string, unknown>): KafkaInputSettings | undefined {
  const bootstrap = values['kafka-input']
  if (bootstrap === undefined) {
    const stray = Object.keys(KAFKA_INPUT_OPTIONS).find((o) => values[o] !== undefined)
    if (stray !== undefined) throw new UsageError(`--${stray} needs --kafka-input BOOTSTRAP`)
    return undefined
  }
  if (typeof values.topics !== 'string') throw new UsageError('--kafka-input needs --topics T1[,T2...]')
  if (typeof values.group !== 'string' || values.group === '')
    throw new UsageError('--kafka-input needs --group GROUP')
  const format = values['input-format'] ?? 'json'
  if (!(INPUT_FORMATS as readonly unknown[]).includes(format)) {
    throw new UsageError(
      `--input-format must be one of ${INPUT_FORMATS.join(', ')} (got "${String(format)}")`
    )
  }
  if (format === 'json' && (values['msg-type'] !== undefined || values.originator !== undefined)) {
    throw new UsageError(
      '--msg-type and --originator are for --input-format raw (a json record names its own)'
    )
  }
  const type = values['msg-type'] ?? 'POST_TELEMETRY_REQUEST'
  if (typeof type !== 'string' || type === '') throw new UsageError('--msg-type must not be empty')
  const deadLetterTopic = values['dead-letter-topic']
  if (deadLetterTopic === '') throw new UsageError('--dead-letter-topic must not be empty')
  const sessionTimeoutMs = whole(values, 'session-timeout-ms', 10_000, 1000)
  return {
    bootstrapServers: servers(bootstrap as string),
    topics: list(values.topics, 'topics'),
    groupId: values.group,
    clientId: typeof values['client-id'] === 'string' ? values['client-id'] : 'kafka-rule-node',
    format: { format: format as RecordFormat['format'], type, originator: originator(values.originator) },
    deadLetterTopic: deadLetterTopic as string | undefined,
    maxInFlight: whole(values, 'max-in-flight', 1000, 1),
    commitIntervalMs: whole(values, 'commit-interval-ms', 200, 1),
    sessionTimeoutMs,
    revokeTimeoutMs: whole(values, 'revoke-timeout-ms', 10_000, 0)
  }
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
                sender: createRecordSender(settings.bootstrapServers, settings.clientId)
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
          bufferedRecords: Math.min(settings.maxInFlight, 1024)
        })
    )
  } catch (error) {
    throw new ServiceError(
      `kafka input: cannot consume ${settings.topics.join(', ')} as group ${settings.groupId} from ${settings.bootstrapServers.join(',')}: ${describeError(error)}`,
      { cause: error }
    )
  }
  input.run().catch(failed)
  return input
}
