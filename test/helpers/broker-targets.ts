import { test, type TestContext } from 'node:test'
import { randomBytes } from 'node:crypto'
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
  createTopic(topic: string, partitions: number): Promise<void>
  /** Every record of a partition, read from the beginning to the end with kafkajs. */
  read(topic: string, partition: number): Promise<ReadRecord[]>
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
    async createTopic(topic, partitions) {
      if (dev !== undefined) return dev.createTopic(topic, partitions)
      const admin = client.admin()
      await admin.connect()
      try {
        await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true })
      } finally {
        await admin.disconnect()
      }
    },
    read: (topic, partition) => readPartition(t, client, topic, partition)
  }
}

const headerPairs = (headers: IHeaders | undefined): [string, Buffer][] =>
  Object.entries(headers ?? {}).flatMap(([key, value]) =>
    (Array.isArray(value) ? value : [value]).map((v): [string, Buffer] => [
      key,
      Buffer.isBuffer(v) ? v : Buffer.from(String(v))
    ])
  )

async function readPartition(
  t: TestContext,
  client: Kafka,
  topic: string,
  partition: number
): Promise<ReadRecord[]> {
  const admin = client.admin()
  await admin.connect()
  const offsets = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect())
  const end = Number(offsets.find((o) => o.partition === partition)?.high ?? 0)
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
              timestamp: Number(m.timestamp)
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
