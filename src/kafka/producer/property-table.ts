// The Java producer properties this producer knows, declared once: name, type, default, what is
// accepted, and the setting each drives. The declaration names what producer-properties.ts may
// read (PropertyReader refuses an undeclared name at compile time), limits its integers, and is
// printed by `kafka-rule-node describe kafka` and in the README.

/**
 * Java's Integer.MAX_VALUE, where the producer's INT properties (and ThingsBoard's int fields)
 * stop; so do durations here, since a Node.js timer longer than 2^31-1 ms fires at once. LONG
 * sizes stop where a JS number is exact.
 */
export const JAVA_INT_MAX = 2 ** 31 - 1

/** One property: how to document it, and the range of an integer one. */
export interface PropertySpec {
  readonly name: string
  /** The Java type: int, long, boolean, string, list, password, class. */
  readonly type: string
  /** The default, as text (a Kafka node field's name when the node's configuration supplies it). */
  readonly default: string
  /** What is accepted. */
  readonly accepts: string
  /** The setting it drives (a ProducerSettings field), or what refusing it means. */
  readonly drives: string
  readonly min?: number
  readonly max?: number
}

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
  {
    name: 'security.protocol',
    type: 'string',
    default: 'PLAINTEXT',
    accepts: 'PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL',
    drives: 'tls, sasl'
  },
  {
    name: 'sasl.mechanism',
    type: 'string',
    default: 'GSSAPI (refused)',
    accepts: 'PLAIN, SCRAM-SHA-256, SCRAM-SHA-512',
    drives: 'sasl.mechanism'
  },
  {
    name: 'sasl.jaas.config',
    type: 'password',
    default: '(none)',
    accepts: 'PlainLoginModule or ScramLoginModule with username and password',
    drives: 'sasl.username, sasl.password'
  },
  { name: 'sasl.username', type: 'string', default: '(none)', accepts: 'any text', drives: 'sasl.username' },
  {
    name: 'sasl.password',
    type: 'password',
    default: '(none)',
    accepts: 'any text',
    drives: 'sasl.password'
  },
  {
    name: 'ssl.endpoint.identification.algorithm',
    type: 'string',
    default: 'https',
    accepts: 'https, "" (no host name check)',
    drives: 'tls.verifyHostname'
  },
  {
    name: 'ssl.truststore.type',
    type: 'string',
    default: 'JKS',
    accepts: 'PEM',
    drives: 'refuses JKS and PKCS12 stores'
  },
  {
    name: 'ssl.truststore.certificates',
    type: 'password',
    default: '(none)',
    accepts: 'PEM certificates',
    drives: 'tls.ca'
  },
  {
    name: 'ssl.truststore.location',
    type: 'string',
    default: '(none)',
    accepts: 'a PEM file',
    drives: 'tls.ca'
  },
  {
    name: 'ssl.keystore.type',
    type: 'string',
    default: 'JKS',
    accepts: 'PEM',
    drives: 'refuses JKS and PKCS12 stores'
  },
  {
    name: 'ssl.keystore.certificate.chain',
    type: 'password',
    default: '(none)',
    accepts: 'PEM certificates',
    drives: 'tls.cert'
  },
  {
    name: 'ssl.keystore.key',
    type: 'password',
    default: '(none)',
    accepts: 'an unencrypted PEM key',
    drives: 'tls.key'
  },
  {
    name: 'ssl.keystore.location',
    type: 'string',
    default: '(none)',
    accepts: 'a PEM file',
    drives: 'tls.cert'
  },
  {
    name: 'ssl.truststore.password',
    type: 'password',
    default: '(none)',
    accepts: 'nothing',
    drives: 'refused: PEM stores take no password'
  },
  {
    name: 'ssl.keystore.password',
    type: 'password',
    default: '(none)',
    accepts: 'nothing',
    drives: 'refused: PEM stores take no password'
  },
  {
    name: 'ssl.key.password',
    type: 'password',
    default: '(none)',
    accepts: 'nothing',
    drives: 'refused: give an unencrypted key'
  },
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

/**
 * The `otherProperties` of a configuration, read by declared name only. It remembers which were
 * read, so that a known property the settings did not use (an ssl.* one without SSL) is reported
 * instead of dropped.
 */
export class PropertyReader {
  readonly #read = new Set<string>()

  constructor(readonly properties: Readonly<Record<string, string>>) {}

  /** The property's text, or undefined when it is not set. */
  get(name: PropertyName): string | undefined {
    this.#read.add(name)
    return this.properties[name]
  }

  /** Known properties that are set but were not read. */
  unread(): string[] {
    return Object.keys(this.properties).filter((name) => KNOWN_PROPERTIES.has(name) && !this.#read.has(name))
  }
}

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
