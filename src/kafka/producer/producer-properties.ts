// Translates the Java producer properties of `otherProperties` into typed settings. Each known
// property (declared in property-table.ts) is understood, or refused with a clear error when this
// client cannot honour it; an unknown one, or a known one the chosen security.protocol does not
// use, is reported by name, never silently dropped.

import * as zlib from 'node:zlib'
import { ConfigError } from '../../errors.js'
import { PropertyReader } from '../property-spec.js'
import {
  securityProtocol,
  securitySettings,
  type PropertyErrors,
  type SaslSettings,
  type TlsSettings
} from '../security-properties.js'
import { parseBootstrapServers } from './bootstrap-servers.js'
import { JAVA_INT_MAX, KNOWN_PROPERTIES, propertySpec, type PropertyName } from './property-table.js'

export { JAVA_INT_MAX, KNOWN_PROPERTIES } from './property-table.js'
export { parseBootstrapServers } from './bootstrap-servers.js'
export type { SaslSettings, TlsSettings } from '../security-properties.js'

/** Acknowledgements, as the wire protocol counts them. */
export enum Acks {
  None = 0,
  Leader = 1,
  All = -1
}

/** The producer's settings, with units in their names. */
export interface ProducerSettings {
  readonly bootstrapServers: readonly string[]
  readonly clientId: string
  readonly acks: Acks
  readonly retries: number
  readonly retryBackoffMs: number
  readonly batchSizeBytes: number
  readonly lingerMs: number
  readonly bufferMemoryBytes: number
  readonly maxRequestSizeBytes: number
  readonly requestTimeoutMs: number
  readonly deliveryTimeoutMs: number
  readonly maxBlockMs: number
  /** metadata.max.age.ms: how long partition counts and leaders are trusted without asking again. */
  readonly metadataMaxAgeMs: number
  readonly maxInFlight: number
  readonly idempotent: boolean
  readonly compression: 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd'
  readonly tls: TlsSettings | undefined
  readonly sasl: SaslSettings | undefined
}

/** The fields of the Kafka node's own configuration that map to producer properties. */
export type BaseSettings = Pick<
  ProducerSettings,
  'bootstrapServers' | 'retries' | 'batchSizeBytes' | 'lingerMs' | 'bufferMemoryBytes' | 'acks'
>

const fail = (property: string, problem: string): ConfigError =>
  new ConfigError(`otherProperties.${property} ${problem}`, { field: 'otherProperties' })

// The security properties' errors, named as the other properties'.
const SECURITY_ERRORS: PropertyErrors = {
  name: (property) => `otherProperties.${property}`,
  error: (_property, message) => new ConfigError(message, { field: 'otherProperties' })
}

// An integer property, in the range its declaration gives.
function integer(properties: PropertyReader<PropertyName>, name: PropertyName, fallback: number): number {
  const spec = propertySpec(name)
  const min = spec.min ?? 0
  const max = spec.max ?? Number.MAX_SAFE_INTEGER
  const text = properties.get(name)
  if (text === undefined) return fallback
  const value = Number(text)
  if (!/^-?\d+$/.test(text.trim()) || value < min || value > max)
    throw fail(name, `must be an integer between ${min} and ${max} (got ${JSON.stringify(text)})`)
  return value
}

function bool(properties: PropertyReader<PropertyName>, name: PropertyName): boolean | undefined {
  const given = properties.get(name)
  const text = given?.trim().toLowerCase()
  if (text === undefined) return undefined
  if (text !== 'true' && text !== 'false')
    throw fail(name, `must be true or false (got ${JSON.stringify(given)})`)
  return text === 'true'
}

const DEFAULT_PARTITIONERS = new Set([
  'org.apache.kafka.clients.producer.internals.DefaultPartitioner',
  'org.apache.kafka.clients.producer.UniformStickyPartitioner'
])
const STRING_SERIALIZER = 'org.apache.kafka.common.serialization.StringSerializer'

function compression(properties: PropertyReader<PropertyName>): ProducerSettings['compression'] {
  const given = properties.get('compression.type')
  const value = (given ?? 'none').trim().toLowerCase()
  if (value !== 'none' && value !== 'gzip' && value !== 'snappy' && value !== 'lz4' && value !== 'zstd') {
    throw fail(
      'compression.type',
      `must be one of none, gzip, snappy, lz4, zstd (got ${JSON.stringify(given)})`
    )
  }
  if (value === 'zstd' && typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync !== 'function') {
    throw fail(
      'compression.type',
      `zstd needs Node.js 22.15 or later (this is ${process.version}); use gzip, snappy or lz4`
    )
  }
  return value
}

/**
 * Whether the producer is idempotent, as kafka-clients 3.x decides it
 * (ProducerConfig.postProcessAndValidateIdempotenceConfigs): on by default, quietly off when
 * retries is 0, acks is not all or more than 5 requests may be in flight (so ThingsBoard's default
 * retries 0 stays non-idempotent); set to true with one of those, a ConfigException with Java's
 * message. (Kafka 4.0 refuses more than 5 in flight even when it is not set; 3.x only warns.)
 */
function idempotence({
  configured,
  retries,
  acks,
  maxInFlight,
  warn
}: {
  configured: boolean | undefined
  retries: number
  acks: Acks
  maxInFlight: number
  warn: (message: string) => void
}): boolean {
  if (configured === false) return false
  const conflict =
    retries === 0
      ? 'Must set retries to non-zero when using the idempotent producer.'
      : acks !== -1
        ? 'Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.'
        : maxInFlight > 5
          ? 'Must set max.in.flight.requests.per.connection to at most 5 to use the idempotent producer.'
          : undefined
  if (conflict === undefined) return true
  if (configured === true) throw fail('enable.idempotence', `is true, but: ${conflict}`)
  if (maxInFlight > 5)
    warn(
      `idempotence is disabled because max.in.flight.requests.per.connection is ${maxInFlight}, more than 5 (enable.idempotence is not set; the Java producer does the same)`
    )
  return false
}

/** Builds the producer's settings from the Kafka node's fields and `otherProperties`, which override them. */
export function producerSettings(
  base: BaseSettings,
  given: Readonly<Record<string, string>>,
  warn: (message: string) => void
): ProducerSettings {
  const properties = new PropertyReader<PropertyName>(given, KNOWN_PROPERTIES)
  for (const name of properties.unknown())
    warn(`otherProperties.${name} is not a producer property this node knows; it is ignored`)
  for (const name of ['key.serializer', 'value.serializer'] as const) {
    const value = properties.get(name)
    if (value !== undefined && value !== STRING_SERIALIZER)
      throw fail(
        name,
        `must be ${STRING_SERIALIZER}: records are sent as UTF-8 strings (got ${JSON.stringify(value)})`
      )
  }
  const partitioner = properties.get('partitioner.class')
  if (partitioner !== undefined && !DEFAULT_PARTITIONERS.has(partitioner)) {
    throw fail(
      'partitioner.class',
      `${JSON.stringify(partitioner)} is not supported; the node partitions as the Java default (murmur2 of the key)`
    )
  }
  const dnsLookup = properties.get('client.dns.lookup')
  // Node.js connects to every address a name resolves to (happy eyeballs), as Java's
  // use_all_dns_ips (its default since 3.0) does; it has no canonical-name lookup.
  if (dnsLookup === 'resolve_canonical_bootstrap_servers_only')
    throw fail(
      'client.dns.lookup',
      `${dnsLookup} is not supported; the node connects to every address of a name (use_all_dns_ips)`
    )
  if (dnsLookup !== undefined && dnsLookup !== 'use_all_dns_ips')
    throw fail(
      'client.dns.lookup',
      `must be use_all_dns_ips or resolve_canonical_bootstrap_servers_only (got ${JSON.stringify(dnsLookup)})`
    )
  const protocol = securityProtocol(properties, SECURITY_ERRORS)
  const acksText = properties.get('acks')?.trim()
  let acks = base.acks
  if (acksText !== undefined) {
    if (!['-1', 'all', '0', '1'].includes(acksText))
      throw fail('acks', `must be one of -1, all, 0, 1 (got ${JSON.stringify(acksText)})`)
    acks = acksText === '0' ? 0 : acksText === '1' ? 1 : -1
  }
  const maxInFlight = integer(properties, 'max.in.flight.requests.per.connection', 5)
  const retries = integer(properties, 'retries', base.retries)
  const idempotent = idempotence({
    configured: bool(properties, 'enable.idempotence'),
    retries,
    acks,
    maxInFlight,
    warn
  })
  const lingerMs = integer(properties, 'linger.ms', base.lingerMs)
  const requestTimeoutMs = integer(properties, 'request.timeout.ms', 30_000)
  let deliveryTimeoutMs = integer(properties, 'delivery.timeout.ms', 120_000)
  // KafkaProducer.configureDeliveryTimeout: the sum is capped at Integer.MAX_VALUE; a delivery.timeout.ms
  // set below it is a ConfigException, an unset one is raised to it with a warning.
  const lingerAndRequestMs = Math.min(lingerMs + requestTimeoutMs, JAVA_INT_MAX)
  if (deliveryTimeoutMs < lingerAndRequestMs) {
    if (properties.get('delivery.timeout.ms') !== undefined)
      throw fail(
        'delivery.timeout.ms',
        `must be at least linger.ms + request.timeout.ms = ${lingerAndRequestMs} (got ${deliveryTimeoutMs})`
      )
    warn(
      `otherProperties.delivery.timeout.ms is not set and its default ${deliveryTimeoutMs} is less than linger.ms + request.timeout.ms; it is set to ${lingerAndRequestMs}, as the Java producer does`
    )
    deliveryTimeoutMs = lingerAndRequestMs
  }
  const servers = properties.get('bootstrap.servers')
  const settings: ProducerSettings = {
    bootstrapServers:
      servers === undefined
        ? base.bootstrapServers
        : parseBootstrapServers(servers, 'otherProperties.bootstrap.servers'),
    clientId: properties.get('client.id') ?? 'kafka-rule-node',
    acks,
    retries,
    retryBackoffMs: integer(properties, 'retry.backoff.ms', 100),
    batchSizeBytes: integer(properties, 'batch.size', base.batchSizeBytes),
    lingerMs,
    bufferMemoryBytes: integer(properties, 'buffer.memory', base.bufferMemoryBytes),
    maxRequestSizeBytes: integer(properties, 'max.request.size', 1_048_576),
    requestTimeoutMs,
    deliveryTimeoutMs,
    maxBlockMs: integer(properties, 'max.block.ms', 60_000),
    metadataMaxAgeMs: integer(properties, 'metadata.max.age.ms', 300_000),
    maxInFlight,
    idempotent,
    compression: compression(properties),
    ...securitySettings(properties, protocol, SECURITY_ERRORS)
  }
  // As the Java producer logs a supplied configuration it does not use (AbstractConfig.logUnused).
  for (const name of properties.unread())
    warn(`otherProperties.${name} is not used with security.protocol ${protocol}; it is ignored`)
  return settings
}
