import { test, type TestContext } from 'node:test'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { Kafka, logLevel, type IHeaders } from 'kafkajs'
import type { Broker, BrokerOptions } from '../../src/broker/index.js'
import { address, startTestBroker } from './broker.js'
import { referenceKafka } from './reference-kafka.js'
import type { KafkaCluster } from '../../reference/kafka/cluster.js'

/** A record as an independent client (kafkajs) read it back: exact bytes. */
export interface ReadRecord {
  readonly offset: number
  readonly key: Buffer | null
  readonly value: Buffer | null
  readonly headers: [string, Buffer][]
  readonly timestamp: number
  /** The record batch it came in, as the broker stored it (the producer's batch). */
  readonly batch: StoredBatch
}

/** The header of a stored record batch: where it starts and the producer stamp it carries. */
export interface StoredBatch {
  readonly baseOffset: number
  readonly lastOffsetDelta: number
  readonly producerId: number
  readonly producerEpoch: number
  readonly baseSequence: number
}

/** Per-topic settings for `createTopic`. */
export interface TopicOptions {
  /**
   * The topic's max.message.bytes on Apache Kafka. The development broker has it per broker: give
   * the same value in `devOptions.maxMessageBytes`.
   */
  readonly maxMessageBytes?: number
}

/** A broker the conformance suite runs against: the development broker or Apache Kafka. */
export interface BrokerTarget {
  readonly name: 'development broker' | 'Apache Kafka'
  /** PLAINTEXT bootstrap list. */
  readonly bootstrap: string
  /** The development broker's handle (for fault injection); undefined on Apache Kafka. */
  readonly dev: Broker | undefined
  /** Our Apache Kafka cluster (listeners, users, CA); undefined on the development broker or a KAFKA_BOOTSTRAP. */
  readonly kafka: KafkaCluster | undefined
  /** Creates `topic` with `partitions` partitions (replication factor 1) and waits until it serves. */
  createTopic(topic: string, partitions: number, options?: TopicOptions): Promise<void>
  /** Every record of a partition, read from the beginning to the end with kafkajs. */
  read(topic: string, partition: number): Promise<ReadRecord[]>
  /** The end offset (high watermark) of a partition; 0 for a topic that does not exist. */
  endOffset(topic: string, partition: number): Promise<number>
  /** Polls until a partition holds `count` records (acks 0 gets no answer), at most `timeoutMs`. */
  waitForEnd(topic: string, partition: number, count: number, timeoutMs?: number): Promise<void>
  /**
   * The compression codec of each stored batch of a partition, in log order: from the development
   * broker's store, or from the header of each batch in Apache Kafka's log segment files.
   */
  codecs(topic: string, partition: number): string[]
}

/** The two brokers of the conformance suite, in order. */
export const TARGETS = ['development broker', 'Apache Kafka'] as const

/**
 * Registers `name` once per broker (`name [development broker]`, `name [Apache Kafka]`), each run
 * with a fresh target. `devOptions` configure the development broker.
 */
export function eachBroker(
  name: string,
  body: (t: TestContext, target: BrokerTarget) => Promise<void>,
  devOptions: BrokerOptions = {}
): void {
  for (const which of TARGETS) {
    test(`${name} [${which}]`, async (t) => body(t, await openTarget(t, which, devOptions)))
  }
}

/** Opens one broker target for a test. */
export async function openTarget(
  t: TestContext,
  which: (typeof TARGETS)[number],
  devOptions: BrokerOptions = {}
): Promise<BrokerTarget> {
  if (which === 'development broker') {
    const broker = await startTestBroker(t, devOptions)
    return target(t, which, address(broker), broker, undefined)
  }
  const kafka = await referenceKafka()
  return target(t, which, kafka.bootstrap, undefined, kafka.cluster)
}

function target(
  t: TestContext,
  name: BrokerTarget['name'],
  bootstrap: string,
  dev: Broker | undefined,
  kafka: KafkaCluster | undefined
): BrokerTarget {
  const client = new Kafka({
    clientId: 'conformance-reader',
    brokers: bootstrap.split(','),
    logLevel: logLevel.NOTHING
  })
  return {
    name,
    bootstrap,
    dev,
    kafka,
    async createTopic(topic, partitions, options = {}) {
      if (dev !== undefined) return dev.createTopic(topic, partitions)
      const configEntries =
        options.maxMessageBytes === undefined
          ? []
          : [{ name: 'max.message.bytes', value: String(options.maxMessageBytes) }]
      const admin = client.admin()
      await admin.connect()
      try {
        await admin.createTopics({
          topics: [{ topic, numPartitions: partitions, configEntries }],
          waitForLeaders: true
        })
      } finally {
        await admin.disconnect()
      }
    },
    read: (topic, partition) => readPartition(t, client, topic, partition),
    endOffset: (topic, partition) => endOffset(client, topic, partition),
    async waitForEnd(topic, partition, count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs
      while ((await endOffset(client, topic, partition)) < count) {
        if (Date.now() > deadline)
          throw new Error(
            `${topic}/${String(partition)} did not reach ${String(count)} records in ${String(timeoutMs)} ms`
          )
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    },
    codecs(topic, partition) {
      if (dev !== undefined) return dev.codecs(topic, partition)
      if (kafka === undefined) throw new Error('codecs: needs our own Apache Kafka (not KAFKA_BOOTSTRAP)')
      return kafkaLogCodecs(kafka, topic, partition)
    }
  }
}

async function endOffset(client: Kafka, topic: string, partition: number): Promise<number> {
  const admin = client.admin()
  await admin.connect()
  try {
    const offsets = await admin.fetchTopicOffsets(topic)
    return Number(offsets.find((o) => o.partition === partition)?.high ?? 0)
  } catch {
    return 0
  } finally {
    await admin.disconnect()
  }
}

// The RecordBatch v2 header (protocol guide, "Record Batch"): baseOffset int64, batchLength int32,
// partitionLeaderEpoch int32, magic int8, crc uint32, attributes int16 (codec in bits 0-2).
const BATCH_LENGTH_AT = 8
const ATTRIBUTES_AT = 21
const BATCH_PREFIX = 12
const CODEC_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd']

/** Codecs of the batches in the log segments of `topic-partition` on whichever broker holds it. */
function kafkaLogCodecs(kafka: KafkaCluster, topic: string, partition: number): string[] {
  for (const node of kafka.state.nodes) {
    const dir = join(node.dir, 'data', `${topic}-${String(partition)}`)
    if (!existsSync(dir)) continue
    const segments = readdirSync(dir)
      .filter((name) => name.endsWith('.log'))
      .sort()
    return segments.flatMap((name) => {
      const log = readFileSync(join(dir, name))
      const codecs: string[] = []
      // A segment is batches back to back; the broker preallocates nothing on Linux by default.
      for (let at = 0; at + BATCH_PREFIX <= log.length;) {
        const length = log.readInt32BE(at + BATCH_LENGTH_AT)
        if (length <= 0 || at + BATCH_PREFIX + length > log.length) break
        const codec = log.readInt16BE(at + ATTRIBUTES_AT) & 0x07
        codecs.push(CODEC_NAMES[codec] ?? `codec ${String(codec)}`)
        at += BATCH_PREFIX + length
      }
      return codecs
    })
  }
  return []
}

const headerPairs = (headers: IHeaders | undefined): [string, Buffer][] =>
  Object.entries(headers ?? {}).flatMap(([key, value]) =>
    (Array.isArray(value) ? value : [value]).map((v): [string, Buffer] => [
      key,
      Buffer.isBuffer(v) ? v : Buffer.from(String(v))
    ])
  )

/** The batch header kafkajs hands along with each record (its `batchContext`, not in its types). */
function storedBatch(message: object): StoredBatch {
  const context = (message as { batchContext?: Record<string, unknown> }).batchContext ?? {}
  const number = (name: string): number => Number(context[name] ?? Number.NaN)
  return {
    baseOffset: number('firstOffset'),
    lastOffsetDelta: number('lastOffsetDelta'),
    producerId: number('producerId'),
    producerEpoch: number('producerEpoch'),
    baseSequence: number('firstSequence')
  }
}

async function readPartition(
  t: TestContext,
  client: Kafka,
  topic: string,
  partition: number
): Promise<ReadRecord[]> {
  const end = await endOffset(client, topic, partition)
  if (end === 0) return []
  const consumer = client.consumer({ groupId: `reader-${randomBytes(4).toString('hex')}` })
  t.after(() => consumer.disconnect())
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const records: ReadRecord[] = []
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        eachBatch: async ({ batch }) => {
          if (batch.partition !== partition) return
          for (const m of batch.messages) {
            if (Number(m.offset) >= end) continue
            records.push({
              offset: Number(m.offset),
              key: m.key,
              value: m.value,
              headers: headerPairs(m.headers),
              timestamp: Number(m.timestamp),
              batch: storedBatch(m)
            })
          }
          if (records.length > 0 && (records.at(-1)?.offset ?? -1) >= end - 1) resolve()
        }
      })
      .catch(reject)
  })
  await consumer.disconnect()
  return records
}

/** The stored batches of records read back, in log order, each with the offsets it holds. */
export function batchesOf(records: readonly ReadRecord[]): (StoredBatch & { offsets: number[] })[] {
  const batches = new Map<number, StoredBatch & { offsets: number[] }>()
  for (const record of records) {
    const batch = batches.get(record.batch.baseOffset) ?? { ...record.batch, offsets: [] }
    batch.offsets.push(record.offset)
    batches.set(record.batch.baseOffset, batch)
  }
  return [...batches.values()]
}
