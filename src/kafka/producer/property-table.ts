// The Java producer properties this producer knows, declared once: name, type, default, what is
// accepted, and the setting each drives. The declaration names what producer-properties.ts may
// read (PropertyReader refuses an undeclared name at compile time), limits its integers, and is
// printed by `kafka-rule-node describe kafka` and in the README. The security properties are
// declared with what the Kafka input shares (security-properties.ts) and listed here in place.

import type { PropertySpec } from '../property-spec.js'
import { SECURITY_PROPERTIES } from '../security-properties.js'

export type { PropertySpec } from '../property-spec.js'

/**
 * Java's Integer.MAX_VALUE, where the producer's INT properties (and ThingsBoard's int fields)
 * stop; so do durations here, since a Node.js timer longer than 2^31-1 ms fires at once. LONG
 * sizes stop where a JS number is exact.
 */
export const JAVA_INT_MAX = 2 ** 31 - 1

/** An integer property: its range (0..Integer.MAX_VALUE unless given) says what it accepts. */
const int = ({
  name,
  default: defaultText,
  drives,
  min = 0,
  max = JAVA_INT_MAX
}: Pick<PropertySpec, 'name' | 'default' | 'drives' | 'min' | 'max'>): PropertySpec => ({
  name,
  type: max > JAVA_INT_MAX ? 'long' : 'int',
  default: defaultText,
  accepts: `integer ${min}..${max}`,
  drives,
  min,
  max
})

/** Every producer property read or refused by name, in documentation order. */
export const PRODUCER_PROPERTIES = [
  {
    name: 'bootstrap.servers',
    type: 'list',
    default: 'field bootstrapServers',
    accepts: 'host:port, [ipv6]:port or PROTOCOL://host:port, comma-separated',
    drives: 'bootstrapServers'
  },
  {
    name: 'client.id',
    type: 'string',
    default: 'kafka-rule-node',
    accepts: 'any text',
    drives: 'clientId'
  },
  { name: 'acks', type: 'string', default: 'field acks', accepts: '-1, all, 0, 1', drives: 'acks' },
  int({ name: 'retries', default: 'field retries', drives: 'retries' }),
  int({ name: 'retry.backoff.ms', default: '100', drives: 'retryBackoffMs' }),
  int({ name: 'batch.size', default: 'field batchSize', drives: 'batchSizeBytes' }),
  int({ name: 'linger.ms', default: 'field linger', drives: 'lingerMs' }),
  int({
    name: 'buffer.memory',
    default: 'field bufferMemory',
    drives: 'bufferMemoryBytes',
    min: 1,
    max: Number.MAX_SAFE_INTEGER
  }),
  int({ name: 'max.request.size', default: '1048576', drives: 'maxRequestSizeBytes', min: 1 }),
  int({ name: 'request.timeout.ms', default: '30000', drives: 'requestTimeoutMs', min: 1 }),
  {
    ...int({ name: 'delivery.timeout.ms', default: '120000', drives: 'deliveryTimeoutMs', min: 1 }),
    accepts: `integer 1..${JAVA_INT_MAX}, at least linger.ms + request.timeout.ms`
  },
  int({ name: 'max.block.ms', default: '60000', drives: 'maxBlockMs' }),
  int({ name: 'metadata.max.age.ms', default: '300000', drives: 'metadataMaxAgeMs' }),
  int({ name: 'max.in.flight.requests.per.connection', default: '5', drives: 'maxInFlight', min: 1 }),
  {
    name: 'enable.idempotence',
    type: 'boolean',
    default: 'true unless retries 0, acks not all or more than 5 in flight',
    accepts: 'true, false',
    drives: 'idempotent'
  },
  {
    name: 'compression.type',
    type: 'string',
    default: 'none',
    accepts: 'none, gzip, snappy, lz4, zstd (Node.js 22.15+)',
    drives: 'compression'
  },
  ...SECURITY_PROPERTIES,
  {
    name: 'partitioner.class',
    type: 'class',
    default: 'DefaultPartitioner',
    accepts: 'DefaultPartitioner, UniformStickyPartitioner',
    drives: 'refuses others (the node partitions as the Java default)'
  },
  {
    name: 'client.dns.lookup',
    type: 'string',
    default: 'use_all_dns_ips',
    accepts: 'use_all_dns_ips',
    drives: 'refuses resolve_canonical_bootstrap_servers_only'
  },
  {
    name: 'key.serializer',
    type: 'class',
    default: 'StringSerializer',
    accepts: 'org.apache.kafka.common.serialization.StringSerializer',
    drives: 'refuses others (keys are UTF-8 strings)'
  },
  {
    name: 'value.serializer',
    type: 'class',
    default: 'StringSerializer',
    accepts: 'org.apache.kafka.common.serialization.StringSerializer',
    drives: 'refuses others (values are UTF-8 strings)'
  }
] as const satisfies readonly PropertySpec[]

/** A property name the declaration knows. */
export type PropertyName = (typeof PRODUCER_PROPERTIES)[number]['name']

const BY_NAME: ReadonlyMap<string, PropertySpec> = new Map(PRODUCER_PROPERTIES.map((p) => [p.name, p]))

/** The declaration of a known property. */
export function propertySpec(name: PropertyName): PropertySpec {
  return BY_NAME.get(name) as PropertySpec
}

/** Properties this translation understands; every other one gets a warning. */
export const KNOWN_PROPERTIES: ReadonlySet<string> = new Set(BY_NAME.keys())

/** The table as Markdown, for the README. */
export function propertyTableMarkdown(): string {
  const rows = PRODUCER_PROPERTIES.map(
    (p: PropertySpec) =>
      `| \`${p.name}\` | ${p.type} | ${p.default} | ${p.accepts.replaceAll('|', '\\|')} | ${p.drives} |`
  )
  return ['| property | type | default | accepts | drives |', '|---|---|---|---|---|', ...rows].join('\n')
}

/** The table as plain text, for `kafka-rule-node describe kafka`. */
export function propertyHelpText(): string {
  return PRODUCER_PROPERTIES.map(
    (p: PropertySpec) =>
      `  ${p.name}  (${p.type}, default ${p.default})\n      accepts ${p.accepts} -> ${p.drives}`
  ).join('\n')
}
