// Takes finished record batches to their partitions' leaders: one Produce request per leader for
// everything drained together, as the Java producer's Sender does. The client keeps what it does
// well (cluster metadata, connections with TLS and SASL, API versions); the node brings the
// bytes. Any failure drops the cached metadata, so that a retry after NOT_LEADER_OR_FOLLOWER or a
// broker restart asks where the partition is now.

import { ProtocolError, type Broker, type Connection } from '@platformatic/kafka'
import { isUnknownTopic, type KafkaClient } from './client.js'
import { KafkaBrokerError, LeaderUnknownError } from './errors.js'
import {
  PRODUCE_API_KEY,
  PRODUCE_VERSIONS,
  encodeProduceRequest,
  produceResponseParser,
  type PartitionAnswer,
  type PartitionBatch,
  type ProduceVersion
} from './produce-request.js'

interface TopicLeaders {
  readonly fetchedAt: number
  readonly brokers: ReadonlyMap<number, Broker>
  /** The leader's node id by partition. */
  readonly leaders: readonly (number | undefined)[]
}

const DUPLICATE_SEQUENCE_NUMBER = 46

/** A batch's outcome: its base offset (-1 when acks=0), or why it failed. */
export type BatchOutcome = number | Error

/** Sends finished batches over the client's connections. */
export class BatchTransport {
  #version: Promise<ProduceVersion> | undefined
  // Partition leaders per topic, kept between requests (the client's metadata() copies its cache
  // on every call); dropped on any failure and after metadata.max.age.ms, as Java refreshes.
  readonly #leaders = new Map<string, TopicLeaders>()

  constructor(
    readonly client: KafkaClient,
    readonly acks: number,
    readonly timeoutMs: number,
    readonly metadataMaxAgeMs: number
  ) {}

  /**
   * Sends the batches (one per partition), one request per leader; outcomes in the batches' order.
   * `handedOver` is called once every request has been given to its connection (or failed before):
   * from then on a later call's requests queue behind these on each connection.
   */
  async produce(batches: readonly PartitionBatch[], handedOver?: () => void): Promise<BatchOutcome[]> {
    const outcomes = new Array<BatchOutcome>(batches.length)
    const answered: Promise<void>[] = []
    try {
      const version = await this.#produceVersion()
      const groups = [...(await this.#byLeader(batches, outcomes)).values()]
      const connected = await Promise.all(
        groups.map(({ broker }) =>
          this.client.connections.get(broker).then(
            (connection) => connection,
            (error: unknown) => asError(error)
          )
        )
      )
      // Every send is started in one synchronous pass, so that no other call's request gets between.
      groups.forEach(({ indexes }, g) => {
        const connection = connected[g] as Connection | Error
        const group = indexes.map((i) => batches[i] as PartitionBatch)
        if (connection instanceof Error) {
          for (const index of indexes) outcomes[index] = connection
          return
        }
        answered.push(
          send(connection, version, () =>
            encodeProduceRequest(version, this.acks, this.timeoutMs, group)
          ).then(
            (answers) =>
              indexes.forEach((index, i) => (outcomes[index] = outcome(group[i] as PartitionBatch, answers))),
            (error: unknown) => {
              for (const index of indexes) outcomes[index] = asError(error)
            }
          )
        )
      })
    } catch (error) {
      for (let i = 0; i < batches.length; i++) outcomes[i] ??= asError(error)
    } finally {
      handedOver?.()
    }
    await Promise.all(answered)
    if (outcomes.some((o) => typeof o !== 'number')) {
      this.#leaders.clear()
      this.client.clearMetadata()
    }
    return outcomes
  }

  // Groups batches by their partition's leader; a partition without one fails at once (retriable).
  async #byLeader(
    batches: readonly PartitionBatch[],
    outcomes: BatchOutcome[]
  ): Promise<Map<number, { broker: Broker; indexes: number[] }>> {
    const now = Date.now()
    let missing: string[] | undefined
    for (const { topic, partition } of batches) {
      const known = this.#leaders.get(topic)
      // A partition beyond the known ones was added since: ask again.
      if (
        known !== undefined &&
        now - known.fetchedAt < this.metadataMaxAgeMs &&
        known.leaders[partition] !== undefined
      )
        continue
      missing ??= []
      if (!missing.includes(topic)) missing.push(topic)
    }
    if (missing !== undefined) {
      const metadata = await this.client
        .metadata({ topics: missing, autocreateTopics: true, forceUpdate: true })
        .catch((error: unknown) => {
          // A topic gone (deleted) or not there yet: its batches wait for a leader, as in Java.
          if (!isUnknownTopic(error)) throw error
          for (const topic of missing ?? []) this.#leaders.delete(topic)
          return undefined
        })
      for (const topic of missing) {
        const partitions = metadata?.topics.get(topic)?.partitions
        if (metadata === undefined || partitions === undefined) continue
        this.#leaders.set(topic, {
          fetchedAt: now,
          brokers: metadata.brokers,
          leaders: Array.from({ length: partitions.length }, (_, p) => partitions[p]?.leader)
        })
      }
    }
    const groups = new Map<number, { broker: Broker; indexes: number[] }>()
    for (let index = 0; index < batches.length; index++) {
      const { topic, partition } = batches[index] as PartitionBatch
      const known = this.#leaders.get(topic)
      const leader = known?.leaders[partition]
      const broker = leader === undefined ? undefined : known?.brokers.get(leader)
      if (leader === undefined || broker === undefined) {
        outcomes[index] =
          known === undefined
            ? new LeaderUnknownError(`topic ${topic} is not in the metadata`, 'UNKNOWN_TOPIC_OR_PARTITION', {
                topic,
                partition
              })
            : new LeaderUnknownError(
                `no leader is known for topic ${topic} partition ${partition}`,
                'LEADER_NOT_AVAILABLE',
                { topic, partition }
              )
        continue
      }
      const group = groups.get(leader)
      if (group === undefined) groups.set(leader, { broker, indexes: [index] })
      else group.indexes.push(index)
    }
    return groups
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

function outcome(batch: PartitionBatch, answers: PartitionAnswer[] | true): BatchOutcome {
  // acks=0: the request was written; the broker does not answer.
  if (answers === true) return -1
  const answer = answers.find((a) => a.topic === batch.topic && a.partition === batch.partition)
  if (answer === undefined)
    return new KafkaBrokerError(
      `the broker's produce answer has no partition ${batch.partition} of ${batch.topic}`,
      {
        code: 'INVALID_RESPONSE',
        retriable: true,
        context: { topic: batch.topic, partition: batch.partition }
      }
    )
  // The broker has this batch already but no longer knows its offset: delivered, at an offset
  // the node cannot tell (-1), as the Java producer completes it.
  if (answer.errorCode === DUPLICATE_SEQUENCE_NUMBER) return -1
  if (answer.errorCode !== 0) return new ProtocolError(answer.errorCode, answer.errorMessage)
  return Number(answer.baseOffset)
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}

type ProduceAnswer = PartitionAnswer[] | true

function send(
  connection: Connection,
  version: ProduceVersion,
  request: () => ReturnType<typeof encodeProduceRequest>
): Promise<ProduceAnswer> {
  const flexible = version >= 9
  return new Promise((resolve, reject) => {
    connection.send<PartitionAnswer[]>(
      PRODUCE_API_KEY,
      version,
      request,
      produceResponseParser(version),
      flexible,
      flexible,
      (error, answer) => {
        if (error !== null) reject(error)
        // With no answer expected the connection reports whether the socket took the bytes.
        else resolve(Array.isArray(answer) ? answer : true)
      }
    )
  })
}
