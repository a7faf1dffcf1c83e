// Takes a finished record batch to its partition's leader in one Produce request. The client
// keeps what it does well (cluster metadata, connections with TLS and SASL, API versions); the
// node brings the bytes. A failed request drops the cached metadata, so that a retry after
// NOT_LEADER_OR_FOLLOWER or a broker restart asks where the partition is now.

import type { Connection } from '@platformatic/kafka'
import type { KafkaClient } from './client.js'
import { KafkaBrokerError } from './errors.js'
import {
  PRODUCE_API_KEY,
  PRODUCE_VERSIONS,
  encodeProduceRequest,
  produceResponseParser,
  type ProduceVersion
} from './produce-request.js'

/** Sends finished batches over the client's connections. */
export class BatchTransport {
  #version: Promise<ProduceVersion> | undefined

  constructor(
    readonly client: KafkaClient,
    readonly acks: number,
    readonly timeoutMs: number
  ) {}

  /** Sends one partition's batch; resolves with its base offset (-1 when acks=0). */
  async produce(topic: string, partition: number, batch: Buffer): Promise<number> {
    try {
      const version = await this.#produceVersion()
      const connection = await this.#leader(topic, partition)
      const answer = await send(connection, version, () =>
        encodeProduceRequest(version, this.acks, this.timeoutMs, topic, partition, batch)
      )
      if (this.acks === 0) return -1
      const result = typeof answer === 'boolean' ? undefined : answer.responses[0]?.partitionResponses[0]
      if (result === undefined)
        throw new KafkaBrokerError(`the broker's produce answer has no partition ${partition} of ${topic}`, {
          code: 'INVALID_RESPONSE',
          retriable: true,
          context: { topic, partition }
        })
      return Number(result.baseOffset)
    } catch (error) {
      this.client.clearMetadata()
      throw error
    }
  }

  async #leader(topic: string, partition: number): Promise<Connection> {
    const metadata = await this.client.metadata({ topics: [topic], autocreateTopics: true })
    const leader = metadata.topics.get(topic)?.partitions[partition]?.leader
    const broker = leader === undefined ? undefined : metadata.brokers.get(leader)
    if (broker === undefined)
      throw new KafkaBrokerError(`no leader is known for topic ${topic} partition ${partition}`, {
        code: 'LEADER_NOT_AVAILABLE',
        retriable: true,
        context: { topic, partition }
      })
    return this.client.connections.get(broker)
  }

  // The newest Produce version both sides speak, asked once per client.
  #produceVersion(): Promise<ProduceVersion> {
    if (this.#version === undefined) {
      const asked = this.client.listApis().then((apis) => {
        const produce = apis.find((api) => api.apiKey === PRODUCE_API_KEY)
        const version = PRODUCE_VERSIONS.find(
          (v) => produce !== undefined && produce.minVersion <= v && v <= produce.maxVersion
        )
        if (version === undefined)
          throw new KafkaBrokerError(
            `the broker speaks Produce versions ${produce === undefined ? 'none' : `${produce.minVersion}-${produce.maxVersion}`}; the node needs 7, 8 or 9 (Kafka 2.1 or later)`,
            { code: 'UNSUPPORTED_VERSION', retriable: false, context: {} }
          )
        return version
      })
      this.#version = asked
      asked.catch(() => {
        if (this.#version === asked) this.#version = undefined
      })
    }
    return this.#version
  }
}

type ProduceAnswer = ReturnType<ReturnType<typeof produceResponseParser>> | boolean

function send(
  connection: Connection,
  version: ProduceVersion,
  request: () => ReturnType<typeof encodeProduceRequest>
): Promise<ProduceAnswer> {
  const flexible = version >= 9
  return new Promise((resolve, reject) => {
    connection.send<ProduceAnswer>(
      PRODUCE_API_KEY,
      version,
      request,
      produceResponseParser(version),
      flexible,
      flexible,
      (error, answer) => {
        if (error !== null) reject(error)
        else resolve(answer as ProduceAnswer)
      }
    )
  })
}
