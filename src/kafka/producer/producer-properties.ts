// Translates the Java producer properties of `otherProperties` into typed settings. Each known
// property (declared in property-table.ts) is understood, or refused with a clear error when this
// client cannot honour it; an unknown one, or a known one the chosen security.protocol does not
// use, is reported by name, never silently dropped.

import { X509Certificate, createPrivateKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import * as zlib from 'node:zlib'
import { ConfigError } from '../../errors.js'
import { parseJaasConfig } from '../jaas.js'
import { parseBootstrapServers } from './bootstrap-servers.js'
import {
  JAVA_INT_MAX,
  KNOWN_PROPERTIES,
  PropertyReader,
  propertySpec,
  type PropertyName
} from './property-table.js'

export { JAVA_INT_MAX, KNOWN_PROPERTIES } from './property-table.js'
export { parseBootstrapServers } from './bootstrap-servers.js'

/** Acknowledgements, as the wire protocol counts them. */
export enum Acks {
  None = 0,
  Leader = 1,
  All = -1
}

/** SASL credentials for the client. */
export interface SaslSettings {
  readonly mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'
  readonly username: string
  readonly password: string
}

/** TLS settings for the client. */
export interface TlsSettings {
  readonly ca: string | undefined
  readonly cert: string | undefined
  readonly key: string | undefined
  /** ssl.endpoint.identification.algorithm = https (default) verifies the host name. */
  readonly verifyHostname: boolean
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

// An integer property, in the range its declaration gives.
function integer(properties: PropertyReader, name: PropertyName, fallback: number): number {
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

function bool(properties: PropertyReader, name: PropertyName): boolean | undefined {
  const given = properties.get(name)
  const text = given?.trim().toLowerCase()
  if (text === undefined) return undefined
  if (text !== 'true' && text !== 'false')
    throw fail(name, `must be true or false (got ${JSON.stringify(given)})`)
  return text === 'true'
}

// ThingsBoard turns "\n" escapes in these PEM values into newlines.
const pem = (value: string | undefined): string | undefined => value?.replaceAll('\\n', '\n')

const TLS_PROPERTIES = [
  'ssl.endpoint.identification.algorithm',
  'ssl.truststore.type',
  'ssl.truststore.certificates',
  'ssl.truststore.location',
  'ssl.truststore.password',
  'ssl.keystore.type',
  'ssl.keystore.certificate.chain',
  'ssl.keystore.key',
  'ssl.keystore.location',
  'ssl.keystore.password',
  'ssl.key.password'
] as const satisfies readonly PropertyName[]

const SASL_PROPERTIES = [
  'sasl.mechanism',
  'sasl.jaas.config',
  'sasl.username',
  'sasl.password'
] as const satisfies readonly PropertyName[]

// Reads a group of properties at once, for code that looks at them together.
function readAll(
  properties: PropertyReader,
  names: readonly PropertyName[]
): Readonly<Record<string, string | undefined>> {
  return Object.fromEntries(names.map((name) => [name, properties.get(name)]))
}

const DEFAULT_PARTITIONERS = new Set([
  'org.apache.kafka.clients.producer.internals.DefaultPartitioner',
  'org.apache.kafka.clients.producer.UniformStickyPartitioner'
])
const STRING_SERIALIZER = 'org.apache.kafka.common.serialization.StringSerializer'

function tlsSettings(read: PropertyReader): TlsSettings {
  const properties = readAll(read, TLS_PROPERTIES)
  for (const [location, type] of [
    ['ssl.truststore.location', 'ssl.truststore.type'],
    ['ssl.keystore.location', 'ssl.keystore.type']
  ] as const) {
    if (properties[location] !== undefined && (properties[type] ?? 'JKS').toUpperCase() !== 'PEM') {
      throw fail(
        location,
        `points to a ${properties[type] ?? 'JKS'} store, which this node cannot read; give PEM text in ${location.replace('location', location.startsWith('ssl.truststore') ? 'certificates' : 'certificate.chain')} (with ${type}=PEM) instead`
      )
    }
  }
  const readPem = (location: string): string | undefined => {
    const path = properties[location]
    if (path === undefined) return undefined
    try {
      return readFileSync(path, 'utf8')
    } catch (error) {
      throw fail(location, `cannot be read: ${(error as Error).message}`)
    }
  }
  const algorithm = properties['ssl.endpoint.identification.algorithm']
  if (algorithm !== undefined && algorithm !== '' && algorithm.toLowerCase() !== 'https') {
    throw fail(
      'ssl.endpoint.identification.algorithm',
      `must be "https" or "" (got ${JSON.stringify(algorithm)})`
    )
  }
  // DefaultSslEngineFactory: PEM text needs its store type PEM, and a PEM store takes no store
  // password; an encrypted key (ssl.key.password) is more than this node reads.
  for (const [text, type] of [
    ['ssl.truststore.certificates', 'ssl.truststore.type'],
    ['ssl.keystore.certificate.chain', 'ssl.keystore.type'],
    ['ssl.keystore.key', 'ssl.keystore.type']
  ] as const) {
    const given = properties[type]
    if (properties[text] !== undefined && given !== undefined && given.trim().toUpperCase() !== 'PEM')
      throw fail(text, `needs ${type} PEM (got ${JSON.stringify(given)}), as the Java producer does`)
  }
  for (const name of ['ssl.truststore.password', 'ssl.keystore.password']) {
    if (properties[name] !== undefined)
      throw fail(
        name,
        'is not supported: PEM stores take no password (the Java producer refuses it for PEM too)'
      )
  }
  if (properties['ssl.key.password'] !== undefined)
    throw fail('ssl.key.password', 'is not supported: give the key as an unencrypted PEM key')
  const keyText = pem(properties['ssl.keystore.key'])
  const ca = pem(properties['ssl.truststore.certificates']) ?? readPem('ssl.truststore.location')
  const cert = pem(properties['ssl.keystore.certificate.chain']) ?? readPem('ssl.keystore.location')
  if (ca !== undefined)
    checkCertificates(
      ca,
      properties['ssl.truststore.certificates'] === undefined
        ? 'ssl.truststore.location'
        : 'ssl.truststore.certificates'
    )
  if (cert !== undefined)
    checkCertificates(
      cert,
      properties['ssl.keystore.certificate.chain'] === undefined
        ? 'ssl.keystore.location'
        : 'ssl.keystore.certificate.chain'
    )
  if (keyText !== undefined) {
    try {
      createPrivateKey(keyText)
    } catch (error) {
      // OpenSSL's reason only: the text is a secret and stays out of the message.
      throw fail(
        'ssl.keystore.key',
        `is not a PEM private key the node can read (${(error as Error).message})`
      )
    }
  }
  return { ca, cert, key: keyText, verifyHostname: algorithm === undefined || algorithm !== '' }
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[^-]*-----END CERTIFICATE-----/g

// Node's TLS takes a trust store with no readable certificate without a word, and then trusts
// nothing; the Java producer's constructor fails on PEM it cannot read (its PEM store throws an
// InvalidConfigurationException), so the producer refuses it at load, not per message on connecting.
function checkCertificates(text: string, property: string): void {
  const blocks = text.match(PEM_CERTIFICATE) ?? []
  if (blocks.length === 0)
    throw fail(
      property,
      'holds no PEM certificate (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)'
    )
  blocks.forEach((block, i) => {
    try {
      new X509Certificate(block)
    } catch (error) {
      throw fail(property, `certificate ${i + 1} is not valid PEM (${(error as Error).message})`)
    }
  })
}

function saslSettings(read: PropertyReader): SaslSettings {
  const properties = readAll(read, SASL_PROPERTIES)
  const mechanism = (properties['sasl.mechanism'] ?? 'GSSAPI').trim().toUpperCase()
  if (mechanism === 'GSSAPI')
    throw fail(
      'sasl.mechanism',
      'GSSAPI (Kerberos, the Java default) is not supported; use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512'
    )
  if (mechanism === 'OAUTHBEARER')
    throw fail(
      'sasl.mechanism',
      'OAUTHBEARER is not supported (it needs a token callback); use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512'
    )
  if (mechanism !== 'PLAIN' && mechanism !== 'SCRAM-SHA-256' && mechanism !== 'SCRAM-SHA-512') {
    throw fail(
      'sasl.mechanism',
      `must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (got ${JSON.stringify(properties['sasl.mechanism'])})`
    )
  }
  let username = properties['sasl.username']
  let password = properties['sasl.password']
  const jaas = properties['sasl.jaas.config']
  if (jaas !== undefined) {
    const login = parseJaasConfig(jaas)
    const expected = mechanism === 'PLAIN' ? 'PlainLoginModule' : 'ScramLoginModule'
    if (!login.module.endsWith(expected)) {
      throw fail(
        'sasl.jaas.config',
        `uses ${login.module}, but sasl.mechanism ${mechanism} needs org.apache.kafka.common.security.${mechanism === 'PLAIN' ? 'plain' : 'scram'}.${expected}`
      )
    }
    username = login.options.username ?? username
    password = login.options.password ?? password
  }
  if (username === undefined || password === undefined) {
    throw fail(
      'sasl.jaas.config',
      `must give username="..." and password="..." for ${mechanism} (or set sasl.username and sasl.password)`
    )
  }
  return { mechanism, username, password }
}

function compression(properties: PropertyReader): ProducerSettings['compression'] {
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
  const properties = new PropertyReader(given)
  for (const name of Object.keys(given)) {
    if (!KNOWN_PROPERTIES.has(name))
      warn(`otherProperties.${name} is not a producer property this node knows; it is ignored`)
  }
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
  const protocolText = properties.get('security.protocol')
  const protocol = (protocolText ?? 'PLAINTEXT').trim().toUpperCase()
  if (!['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'].includes(protocol)) {
    throw fail(
      'security.protocol',
      `must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL (got ${JSON.stringify(protocolText)})`
    )
  }
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
    tls: protocol === 'SSL' || protocol === 'SASL_SSL' ? tlsSettings(properties) : undefined,
    sasl: protocol.startsWith('SASL_') ? saslSettings(properties) : undefined
  }
  // As the Java producer logs a supplied configuration it does not use (AbstractConfig.logUnused).
  for (const name of properties.unread())
    warn(`otherProperties.${name} is not used with security.protocol ${protocol}; it is ignored`)
  return settings
}
