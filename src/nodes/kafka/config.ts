// TbKafkaNode's configuration, declared once with ThingsBoard's JSON names and defaults
// (TbKafkaNodeConfiguration.defaultConfiguration), parsed once into a typed object with units.

import {
  booleanField,
  enumField,
  integerField,
  parseConfig,
  stringField,
  stringMapField
} from '../../engine/config-spec.js'
import { compilePattern, type Pattern } from '../../msg/pattern.js'
import { headerEncoding, type HeaderEncoding } from './charset.js'
import {
  Acks,
  JAVA_INT_MAX,
  parseBootstrapServers,
  producerSettings,
  type ProducerSettings
} from '../../kafka/producer/producer-properties.js'

// ThingsBoard's configuration class holds the integer fields as Java ints and the producer
// properties they become are of type INT: a larger number fails there (Jackson / "Not a number of
// type INT"), so they stop at JAVA_INT_MAX.

/** The declaration: drives validation, the README's table and `describe kafka`. */
export const kafkaNodeConfigSpec = {
  topicPattern: stringField({
    default: 'my-topic',
    nonEmpty: true,
    description: 'Topic to publish to; a pattern (`${metadataKey}`, `$[data.path]`)'
  }),
  keyPattern: stringField({
    default: undefined,
    description: 'Record key, a pattern; absent or empty: records have no key'
  }),
  bootstrapServers: stringField({
    default: 'localhost:9092',
    nonEmpty: true,
    description:
      'Comma-separated brokers as the Java client takes them: host:port, [ipv6]:port, PLAINTEXT://host:port (bootstrap.servers)'
  }),
  retries: integerField({
    default: 0,
    min: 0,
    max: JAVA_INT_MAX,
    description: 'Resend attempts after a retriable error (retries)'
  }),
  batchSize: integerField({
    default: 16384,
    min: 0,
    max: JAVA_INT_MAX,
    description: 'Bytes per partition batch; a full batch is sent at once (batch.size)'
  }),
  linger: integerField({
    default: 0,
    min: 0,
    max: JAVA_INT_MAX,
    description: 'Milliseconds to wait for more records before sending a batch (linger.ms)'
  }),
  bufferMemory: integerField({
    default: 33554432,
    min: 1,
    max: JAVA_INT_MAX,
    description: 'Bytes of records held before the node makes its input wait (buffer.memory)'
  }),
  acks: enumField({
    values: ['-1', 'all', '0', '1'],
    default: '-1',
    description:
      'Acknowledgements the leader waits for: -1/all (all in-sync replicas), 1 (leader), 0 (none; offset -1)'
  }),
  keySerializer: stringField({
    default: undefined,
    description: 'Configuration version 0 only; dropped on load as ThingsBoard does (keys are UTF-8 strings)'
  }),
  valueSerializer: stringField({
    default: undefined,
    description:
      'Configuration version 0 only; dropped on load as ThingsBoard does (values are UTF-8 strings)'
  }),
  otherProperties: stringMapField({
    description:
      'Other Java producer properties (security.protocol, sasl.*, ssl.*, compression.type, enable.idempotence, ...); they override the fields above'
  }),
  addMetadataKeyValuesAsKafkaHeaders: booleanField({
    default: false,
    description: 'Send each metadata entry as header `tb_msg_md_<key>`'
  }),
  kafkaHeadersCharset: stringField({
    default: 'UTF-8',
    description:
      'Charset of the header values, a Java name or alias: UTF-8, UTF-16(BE/LE), UTF-32(BE/LE), US-ASCII, ISO-8859-1…9, 11, 13, 15, 16, windows-1250…1258, KOI8-R, KOI8-U, Shift_JIS, EUC-JP, EUC-KR, GBK, GB18030, Big5'
  })
} as const

export { Acks }

/** The node's configuration, parsed. */
export interface KafkaNodeConfig {
  readonly topic: Pattern
  /** Undefined: records have no key. */
  readonly key: Pattern | undefined
  readonly headers: HeaderEncoding | undefined
  readonly producer: ProducerSettings
}

/** Parses a ThingsBoard configuration; a bad one throws a ConfigError naming the field and value. */
export function parseKafkaNodeConfig(raw: unknown, warn: (message: string) => void): KafkaNodeConfig {
  const { config, unknownFields } = parseConfig(kafkaNodeConfigSpec, raw)
  for (const name of unknownFields)
    if (name !== 'version') warn(`unknown configuration field "${name}" is ignored`)
  const brokers = parseBootstrapServers(config.bootstrapServers, 'bootstrapServers')
  // A charset the JVM would not know fails init even with headers off (Charset.forName in init).
  const encoding = headerEncoding(config.kafkaHeadersCharset)
  const keyText = config.keyPattern
  return {
    topic: compilePattern(config.topicPattern),
    key: keyText === undefined || keyText === '' ? undefined : compilePattern(keyText),
    headers: config.addMetadataKeyValuesAsKafkaHeaders ? encoding : undefined,
    producer: producerSettings(
      {
        bootstrapServers: brokers,
        retries: config.retries,
        batchSizeBytes: config.batchSize,
        lingerMs: config.linger,
        bufferMemoryBytes: config.bufferMemory,
        acks: config.acks === '0' ? Acks.None : config.acks === '1' ? Acks.Leader : Acks.All
      },
      config.otherProperties,
      warn
    )
  }
}
