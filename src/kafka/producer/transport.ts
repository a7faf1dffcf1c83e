// Takes finished record batches to their partitions' leaders: one Produce request per broker, as
// the Java producer's Sender sends one per ready node, each completing on its own. The client keeps
// what it does well (cluster metadata, connections with TLS and SASL, API versions); the producer
// brings the bytes. Leaders come from the metadata cache. A failure forgets only what it proves
// stale, as Java's metadata.requestUpdate() on NOT_LEADER_OR_FOLLOWER or a disconnect does: the
// leaders of the partitions that failed, or of every partition a broker that could not be reached
// leads. Their next batches ask where the partition is now; requests to the other brokers go on.

import { brokerErrorOf, type Broker, type Connection, type KafkaClient } from '../client.js'
import { KafkaBrokerError, LeaderUnknownError, ProducerErrorCodes } from '../errors.js'
import {
  PRODUCE_API_KEY,
  PRODUCE_VERSIONS,
  encodeProduceRequest,
  produceResponseParser,
  type PartitionAnswer,
  type PartitionBatch,
  type ProduceVersion
} from './produce-request.js'
import { appended, failed, type BatchFailed, type BatchOutcome } from './batch-outcome.js'
import type { MetadataCache } from './metadata-cache.js'

const DUPLICATE_SEQUENCE_NUMBER = 46

/** What the transport needs: the client, and the Java producer's settings it honours. */
export interface BatchTransportOptions {
  readonly client: KafkaClient
  /** Where partition leaders and brokers are looked up. */
  readonly metadata: MetadataCache
  readonly acks: number
  /** request.timeout.ms, sent as the Produce request's timeout. */
  readonly timeoutMs: number
}

interface LeaderGroup {
  readonly broker: Broker
  readonly indexes: number[]
}

/** A broker's connection, or why there is none. */
type Reached = { readonly kind: 'connected'; readonly connection: Connection } | BatchFailed

/** Sends finished batches over the client's connections. */
export class BatchTransport {
  readonly client: KafkaClient
  readonly metadata: MetadataCache
  readonly acks: number
  readonly timeoutMs: number
  #version: Promise<ProduceVersion> | undefined
  #knownVersion: ProduceVersion | undefined

  constructor(options: BatchTransportOptions) {
    this.client = options.client
    this.metadata = options.metadata
    this.acks = options.acks
    this.timeoutMs = options.timeoutMs
  }

  /**
   * Sends the batches (one per partition) to `leader` in one request, or with leader -1 one
   * request per leader found in fresh metadata; outcomes in the batches' order. `handedOver` is
   * called once every request has been given to its connection (or failed before): from then on a
   * later call's requests queue behind these on that connection.
   */
  async produce(
    leader: number,
    batches: readonly PartitionBatch[],
    handedOver?: () => void
  ): Promise<BatchOutcome[]> {
    const outcomes = new Array<BatchOutcome>(batches.length)
    const answered: Promise<void>[] = []
    // Brokers whose connection or request failed: every partition they lead is in doubt.
    const unreachable = new Set<number>()
    try {
      // Once known, the version and the established connections are taken without an await: at
      // low rates each message is a request of its own, and every await and pool lookup (a
      // promise, a diagnostic context, a key string) is garbage per message.
      const version = this.#knownVersion ?? (await this.#produceVersion())
      const broker = this.metadata.broker(leader)
      const groups =
        broker !== undefined
          ? new Map<number, LeaderGroup>([[leader, { broker, indexes: batches.map((_, i) => i) }]])
          : await this.#byLeader(batches, outcomes)
      const entries = [...groups]
      const established = entries.map(([, group]) => this.#established(group.broker))
      const connected: (Reached | undefined)[] = established.includes(undefined)
        ? await Promise.all(
            entries.map(([, group]) =>
              this.client.connections.get(group.broker).then(
                (connection) => ({ kind: 'connected' as const, connection }),
                (error: unknown) => failed(error)
              )
            )
          )
        : established
      // Every send is started in one synchronous pass, so that no other call's request gets between.
      entries.forEach(([id, { indexes }], g) => {
        const reached = connected[g] as Reached
        const group = indexes.map((i) => batches[i] as PartitionBatch)
        if (reached.kind === 'failed') {
          unreachable.add(id)
          for (const index of indexes) outcomes[index] = reached
          return
        }
        const connection = reached.connection
        answered.push(
          send(connection, version, () =>
            encodeProduceRequest({ version, acks: this.acks, timeoutMs: this.timeoutMs, batches: group })
          ).then(
            (answers) =>
              indexes.forEach((index, i) => (outcomes[index] = outcome(group[i] as PartitionBatch, answers))),
            (error: unknown) => {
              unreachable.add(id)
              const failure = failed(error)
              for (const index of indexes) outcomes[index] = failure
            }
          )
        )
      })
    } catch (error) {
      const failure = failed(error)
      for (let i = 0; i < batches.length; i++) outcomes[i] ??= failure
    } finally {
      handedOver?.()
    }
    await Promise.all(answered)
    this.#forgetFailed(batches, outcomes, unreachable)
    return outcomes
  }

  // What a failure proves stale: the leader of each partition that failed, and every partition led
  // by a broker that could not be reached. The rest of the cache stays in use.
  #forgetFailed(
    batches: readonly PartitionBatch[],
    outcomes: BatchOutcome[],
    unreachable: Set<number>
  ): void {
    let failed = false
    outcomes.forEach((o, i) => {
      if (o.kind === 'appended') return
      failed = true
      const { topic, partition } = batches[i] as PartitionBatch
      this.metadata.forgetLeader(topic, partition)
    })
    if (unreachable.size > 0) this.metadata.forgetLeadersOn(unreachable)
    // The client's own cache serves the producer's partition counts: it asks again too.
    if (failed) this.client.clearMetadata()
  }

  // Groups batches by their partition's leader in fresh metadata; a partition without one fails at
  // once (retriable, not counted as an attempt).
  async #byLeader(
    batches: readonly PartitionBatch[],
    outcomes: BatchOutcome[]
  ): Promise<Map<number, LeaderGroup>> {
    const now = Date.now()
    let missing: string[] | undefined
    for (const { topic, partition } of batches) {
      // A partition beyond the known ones was added since: ask again.
      if (this.metadata.hasFreshLeader(topic, partition, now)) continue
      missing ??= []
      if (!missing.includes(topic)) missing.push(topic)
    }
    if (missing !== undefined) await this.metadata.fetchLeaders(missing)
    const groups = new Map<number, LeaderGroup>()
    for (let index = 0; index < batches.length; index++) {
      const { topic, partition } = batches[index] as PartitionBatch
      const { known, leader, broker } = this.metadata.leaderBroker(topic, partition)
      if (leader === undefined || broker === undefined) {
        outcomes[index] = failed(
          !known
            ? new LeaderUnknownError(`topic ${topic} is not in the metadata`, 'UNKNOWN_TOPIC_OR_PARTITION', {
                topic,
                partition
              })
            : new LeaderUnknownError(
                `no leader is known for topic ${topic} partition ${partition}`,
                'LEADER_NOT_AVAILABLE',
                { topic, partition }
              )
        )
        continue
      }
      const group = groups.get(leader)
      if (group === undefined) groups.set(leader, { broker, indexes: [index] })
      else group.indexes.push(index)
    }
    return groups
  }
  // The broker's connection if the pool has it connected now (not connecting, not re-authenticating).
  #established(broker: Broker): Reached | undefined {
    const connection = this.client.connections.getEstablishedConnection(broker)
    return connection?.status === 'connected' ? { kind: 'connected', connection } : undefined
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
            { code: ProducerErrorCodes.UNSUPPORTED_VERSION, retriable: false, context: {} }
          )
        this.#knownVersion = version
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
  if (answers === true) return appended(-1)
  const answer = answers.find((a) => a.topic === batch.topic && a.partition === batch.partition)
  if (answer === undefined)
    return failed(
      new KafkaBrokerError(
        `the broker's produce answer has no partition ${batch.partition} of ${batch.topic}`,
        {
          code: ProducerErrorCodes.INVALID_RESPONSE,
          retriable: true,
          context: { topic: batch.topic, partition: batch.partition }
        }
      )
    )
  // The broker has this batch already but no longer knows its offset: delivered, at an offset
  // the producer cannot tell (-1), as the Java producer completes it.
  if (answer.errorCode === DUPLICATE_SEQUENCE_NUMBER) return appended(-1)
  if (answer.errorCode !== 0) return failed(brokerErrorOf(answer.errorCode, answer.errorMessage))
  return appended(Number(answer.baseOffset))
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
