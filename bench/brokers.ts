// The broker a bench run measures against: the development broker in its own process (the
// default), or a single Apache Kafka 4.1 broker from reference/kafka, started and stopped by the run.

import { Kafka, logLevel, type Admin } from 'kafkajs'
import { startBrokerProcess } from '../src/cli/demo/broker-process.js'
import { startKafka } from '../reference/kafka/cluster.js'
import { runCommand, sampleProcess } from './process.js'

/** Which broker `npm run bench -- --broker` names. */
export type BrokerKind = 'dev' | 'kafka'

/** A broker for one bench run. */
export interface BenchBroker {
  readonly kind: BrokerKind
  /** `host:port`, for every contender's bootstrap list. */
  readonly address: string
  /** The broker's process id (0 where unknown). */
  readonly pid: number
  /** Makes `topic` exist, with `partitions` partitions, before a contender's clock starts. */
  createTopic(topic: string, partitions: number): Promise<void>
  /** The broker process's CPU time so far; NaN where it is not known. */
  cpuSeconds(): number
  stop(): Promise<void>
}

/**
 * The development broker with `partitions` partitions for every topic. Topics auto-create, so
 * `createTopic` only asks kcat for the topic's metadata; its partition count is the broker's.
 */
export async function startDevBroker(partitions: number, entry: string): Promise<BenchBroker> {
  const broker = await startBrokerProcess({ partitions, timeoutMs: 30000, entry })
  return {
    kind: 'dev',
    address: broker.address,
    pid: broker.pid,
    async createTopic(topic) {
      await runCommand('kcat', ['-L', '-b', broker.address, '-t', topic])
    },
    // Its own process: every row shows what the contender's requests cost the broker.
    cpuSeconds: () => sampleProcess(broker.pid, { cpuSeconds: Number.NaN, maxRssMb: Number.NaN }).cpuSeconds,
    stop: () => broker.stop()
  }
}

/**
 * One Apache Kafka broker (KRaft, combined with its controller) on its PLAINTEXT listener. Its
 * auto-created topics get one partition (`num.partitions=1` in reference/kafka), so each bench
 * topic is created here with its partition count, leaders elected, before anyone produces.
 */
export async function startKafkaBroker(): Promise<BenchBroker> {
  // A 1 GiB heap rather than the tests' 512 MiB: the bench writes a few hundred MB per row.
  const cluster = await startKafka({ brokers: 1, heapMb: 1024 })
  const address = cluster.bootstrap('PLAINTEXT')
  const pid = cluster.state.nodes[0]?.pid ?? 0
  let admin: Admin | undefined
  try {
    admin = new Kafka({ clientId: 'bench-admin', brokers: [address], logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
  } catch (error) {
    await cluster.stop()
    throw error
  }
  const connected = admin
  return {
    kind: 'kafka',
    address,
    pid,
    async createTopic(topic, partitions) {
      const created = await connected.createTopics({
        topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
        waitForLeaders: true
      })
      if (!created) throw new Error(`Apache Kafka did not create ${topic}`)
    },
    cpuSeconds: () => sampleProcess(pid, { cpuSeconds: Number.NaN, maxRssMb: Number.NaN }).cpuSeconds,
    async stop() {
      await connected.disconnect().catch(() => undefined)
      await cluster.stop()
    }
  }
}
