// TbKafkaNode: publishes each message's data to Kafka and passes the message on `Success` with
// its topic, partition and offset, or on `Failure` with the error. The node batches itself
// (accumulator -> sender, one produce request per batch) so that linger.ms, batch.size,
// buffer.memory, retries and delivery.timeout.ms keep the Java producer's meaning.

import type { NodeDefinition } from '../../engine/registry.js'
import { Relation } from '../../engine/relations.js'
import type { MsgContext, NodeContext, RuleNode } from '../../engine/rule-node.js'
import type { NodeHealth } from '../../engine/node-metrics.js'
import { RuleNodeError, describeError } from '../../errors.js'
import type { TbMsg } from '../../msg/message.js'
import { Accumulator, type Batch } from '../../kafka/producer/accumulator.js'
import { BufferMemory } from '../../kafka/producer/buffer-memory.js'
import { kafkaNodeConfigSpec, parseKafkaNodeConfig, type KafkaNodeConfig } from './config.js'
import {
  KafkaBrokerError,
  KafkaTimeoutError,
  LeaderUnknownError,
  ProducerClosedError,
  RecordTooLargeError,
  fromClientError,
  where
} from '../../kafka/errors.js'
import { BatchTransport } from '../../kafka/producer/transport.js'
import { javaUtf8Text } from './charset.js'
import { createClient, explainFailure, isUnknownTopic, type KafkaClient } from '../../kafka/client.js'
import { MetadataHeaders } from './metadata-headers.js'
import { Idempotence, sequenceErrorAction } from '../../kafka/producer/idempotence.js'
import { KafkaMetrics } from './kafka-metrics.js'
import { KeyBytes, Partitioner } from '../../kafka/producer/partitioner.js'
import { PendingRecord } from './pending-record.js'
import { Reachability } from '../../kafka/producer/reachability.js'
import { NO_PRODUCER, encodeRecordBatch } from '../../kafka/producer/record-batch.js'
import { Sender } from '../../kafka/producer/sender.js'
import { TopicMetadata } from '../../kafka/producer/topic-metadata.js'

// A record's overhead in a v2 batch (length, attributes, deltas, lengths), as the Java producer estimates.
const RECORD_OVERHEAD = 21

// How often the brokers' reachability is checked without traffic, and how long an answer may take:
// short, so that /healthz follows a broker that goes, hangs or comes back within seconds.
const REACHABILITY_INTERVAL_MS = 1000
const REACHABILITY_TIMEOUT_MS = 2000

/** The Kafka node. */
export class KafkaNode implements RuleNode {
  #config!: KafkaNodeConfig
  #ctx!: NodeContext
  #producer!: KafkaClient
  #transport!: BatchTransport
  #idempotence: Idempotence | undefined
  #headers: MetadataHeaders | undefined
  readonly #keyBytes = new KeyBytes()
  #memory!: BufferMemory
  #accumulator!: Accumulator<PendingRecord>
  #sender!: Sender<PendingRecord>
  #metadata!: TopicMetadata<PendingRecord>
  #metrics!: KafkaMetrics
  readonly #partitioner = new Partitioner()
  #closing = false
  #inputEnded = false
  /** Per broker (-1: leaders looked up), settles when the last produce call has handed its request over. */
  readonly #handedOver = new Map<number, Promise<void>>()
  #reachability!: Reachability

  init(ctx: NodeContext, configuration: unknown): void {
    this.#ctx = ctx
    this.#config = parseKafkaNodeConfig(configuration, (warning) =>
      ctx.logger.warn(`node "${ctx.nodeName}": ${warning}`)
    )
    const settings = this.#config.producer
    if (this.#config.headers !== undefined) this.#headers = new MetadataHeaders(this.#config.headers)
    this.#producer = createClient(settings)
    const producer = this.#producer
    this.#reachability = new Reachability({
      intervalMs: REACHABILITY_INTERVAL_MS,
      timeoutMs: Math.min(settings.requestTimeoutMs, REACHABILITY_TIMEOUT_MS),
      // Fresh: a cached answer would not show whether the brokers answer now.
      check: () => producer.metadata({ topics: [], forceUpdate: true }),
      describe: (error) =>
        describeError(fromClientError(explainFailure(producer, error), { node: ctx.nodeName }))
    })
    this.#transport = new BatchTransport({
      client: this.#producer,
      acks: settings.acks,
      timeoutMs: settings.requestTimeoutMs,
      metadataMaxAgeMs: settings.metadataMaxAgeMs
    })
    if (settings.idempotent) {
      this.#idempotence = new Idempotence(
        () =>
          producer.initIdempotentProducer({}).catch((error: unknown) => {
            throw explainFailure(producer, error)
          }),
        {
          backoffMs: settings.retryBackoffMs,
          timeoutMs: settings.deliveryTimeoutMs
        }
      )
    }
    this.#memory = new BufferMemory(settings.bufferMemoryBytes)
    this.#metrics = new KafkaMetrics(ctx.metrics, this)
    this.#accumulator = new Accumulator<PendingRecord>(
      settings.batchSizeBytes,
      settings.lingerMs,
      () => this.#sender.wake(),
      (batch) =>
        this.#metadata.partitionsOf(batch.topic, (count) =>
          this.#partitioner.batchClosed(batch.topic, batch.partition, count)
        )
    )
    this.#sender = new Sender<PendingRecord>({
      maxInFlight: settings.maxInFlight,
      retries: settings.retries,
      retryBackoffMs: settings.retryBackoffMs,
      deliveryTimeoutMs: settings.deliveryTimeoutMs,
      maxRequestBytes: settings.maxRequestSizeBytes,
      source: this.#accumulator,
      hooks: {
        leaderOf: (topic, partition) => this.#transport.leaderOf(topic, partition),
        produce: (batches, leader) => this.#produce(batches, leader),
        toError: (error, batch) => {
          const context = { topic: batch.topic, partition: batch.partition, node: ctx.nodeName }
          let mapped = fromClientError(explainFailure(this.#producer, error), context)
          const action = batch.generation >= 0 ? sequenceErrorAction(mapped.code) : undefined
          // KIP-360, as the Java producer's TransactionManager: OUT_OF_ORDER_SEQUENCE_NUMBER for the
          // partition's first unresolved batch (nothing earlier of it in flight or unanswered) means
          // the broker lost the producer's state (restarted without its data, and perhaps handing out
          // the same producer id again), not that a batch is missing: retrying the same sequence
          // would be refused until delivery.timeout.ms. Start over under a new producer identity.
          if (
            action === 'new-producer-id' ||
            (action === 'retry' &&
              this.#idempotence?.isFirstUnresolved(
                batch.topic,
                batch.partition,
                batch.generation,
                batch.baseSequence
              ))
          )
            this.#idempotence?.reset(batch.generation)
          if (action !== undefined && !mapped.retriable)
            mapped = new KafkaBrokerError(mapped.message, {
              code: mapped.code,
              retriable: true,
              context,
              cause: error
            })
          this.#noteError(mapped)
          return mapped
        },
        expired: (batch, last) =>
          new KafkaTimeoutError(
            `${batch.records.length} record(s) for ${where({ topic: batch.topic, partition: batch.partition })} expired: not delivered within delivery.timeout.ms ${settings.deliveryTimeoutMs} ms${last === undefined ? '' : ` (last error: ${last.message})`}`,
            { topic: batch.topic, partition: batch.partition }
          ),
        delivered: (batch, baseOffset) => {
          if (batch.generation >= 0)
            this.#idempotence?.acknowledged(
              batch.topic,
              batch.partition,
              batch.generation,
              batch.baseSequence + batch.records.length
            )
          this.#delivered(batch, baseOffset)
        },
        failed: (batch, error) => {
          this.#topicGone(batch.topic, error)
          // Its sequence numbers will never reach the broker: later batches need a new producer id.
          if (batch.generation >= 0) this.#idempotence?.reset(batch.generation)
          this.#metrics.errors.inc(batch.records.length)
          for (const record of batch.records) this.#fail(record, error)
        },
        retried: (batch, error) => {
          this.#topicGone(batch.topic, error)
          this.#metrics.retries.inc()
        },
        wasSent: (error) => !(error instanceof LeaderUnknownError),
        split: (batch) => {
          // The halves need sequence numbers of their own, before the later batches' ones: start
          // over under a new producer id, as a batch that failed for good does.
          if (batch.generation >= 0) this.#idempotence?.reset(batch.generation)
          this.#metrics.retries.inc()
        }
      }
    })
    this.#metadata = new TopicMetadata<PendingRecord>({
      maxBlockMs: settings.maxBlockMs,
      retryBackoffMs: settings.retryBackoffMs,
      maxAgeMs: settings.metadataMaxAgeMs,
      fetch: async (topic, fresh) => {
        try {
          const metadata = await this.#producer.metadata({
            topics: [topic],
            autocreateTopics: true,
            forceUpdate: fresh
          })
          this.#reachability.reached()
          return metadata.topics.get(topic)?.partitionsCount ?? 0
        } catch (error) {
          if (!isUnknownTopic(error)) throw error
          this.#reachability.reached()
          return 0
        }
      },
      ready: (record, partitions) => this.#append(record, partitions),
      failed: (record, error) => {
        this.#noteError(error)
        this.#metrics.errors.inc()
        this.#fail(record, error)
      },
      toError: (error, topic) =>
        fromClientError(explainFailure(this.#producer, error), {
          topic,
          node: ctx.nodeName,
          broker: settings.bootstrapServers.join(',')
        })
    })
    // Reaches for the brokers without blocking init: ThingsBoard's node starts while the broker is down.
    this.#reachability.start()
  }

  // A topic the brokers do not know (deleted, or recreated by auto-creation with other
  // partitions): new records wait for fresh metadata instead of using the old partition count.
  #topicGone(topic: string, error: RuleNodeError): void {
    if (error.code === 'UNKNOWN_TOPIC_OR_PARTITION') this.#metadata.forget(topic)
  }

  /** Bytes held by accepted records (for metrics). */
  get bufferUsed(): number {
    return this.#memory.used
  }

  /** Produce requests under way (for metrics). */
  get inFlight(): number {
    return this.#sender.inFlight
  }

  onMsg(ctx: MsgContext, msg: TbMsg): Promise<void> | undefined {
    if (this.#closing) {
      // Returned, not dropped: the caller waits on the nodes downstream of Failure, and the engine
      // turns their rejection into Failure there.
      return ctx.tellFailure(
        msg,
        new ProducerClosedError('the Kafka node is stopping; message not sent', { node: this.#ctx.nodeName })
      )
    }
    const topic = this.#config.topic.resolve(msg)
    // Key and value are written as the StringSerializer writes them (UTF-8, a lone surrogate as '?').
    const pattern = this.#config.key?.resolve(msg)
    const key = pattern === undefined ? undefined : javaUtf8Text(pattern)
    const keyBytes = key === undefined ? 0 : Buffer.byteLength(key, 'utf8')
    const value = javaUtf8Text(msg.data)
    const valueBytes = Buffer.byteLength(value, 'utf8')
    // Only references are kept: key, value and headers are written into the batch when it closes.
    const codec = this.#headers
    const headers = codec === undefined ? undefined : msg.metadata
    const headerBytes = codec === undefined ? 1 : codec.measure(msg.metadata)
    const headerCount = codec === undefined ? 0 : codec.lastCount
    const size = RECORD_OVERHEAD + keyBytes + valueBytes + headerBytes
    const settings = this.#config.producer
    const limit = Math.min(settings.maxRequestSizeBytes, settings.bufferMemoryBytes)
    if (size > limit) {
      const which =
        settings.maxRequestSizeBytes <= settings.bufferMemoryBytes ? 'max.request.size' : 'buffer.memory'
      return ctx.tellFailure(
        msg,
        new RecordTooLargeError(
          `the record is ${size} bytes, more than ${which} (${limit} bytes); it cannot be sent to topic ${topic}`,
          { topic }
        )
      )
    }
    const record = new PendingRecord(
      ctx,
      msg,
      topic,
      key,
      keyBytes,
      value,
      valueBytes,
      headers,
      headerCount,
      headerBytes,
      size
    )
    if (this.#memory.tryReserve(size)) {
      this.#metadata.route(record)
      return undefined
    }
    // No room: the caller waits until records complete (buffer.memory), as Java's send() blocks.
    return this.#memory.reserve(size).then(
      () => this.#metadata.route(record),
      (error: unknown) => ctx.tellFailure(msg, error)
    )
  }

  #append(record: PendingRecord, partitions: number): void {
    const key = record.key === undefined ? undefined : this.#keyBytes.of(record.key, record.keyBytes)
    const partition = this.#partitioner.partition(record.topic, key, partitions)
    this.#accumulator.append(record.topic, partition, record)
    // After the end of input nothing more will join a batch: waiting out the linger gains nothing.
    if (this.#inputEnded) this.#accumulator.flush()
  }

  async #produce(batches: Batch<PendingRecord>[], leader: number): Promise<(number | unknown)[]> {
    // A partition's batches must reach its leader in the order of their sequence numbers, as they
    // do from the Java producer's one sender thread: a broker that has no state for the producer
    // (a new partition, a new producer id) takes any first sequence, so a later batch that overtook
    // an earlier one is stored and the earlier one is refused (OUT_OF_ORDER_SEQUENCE_NUMBER) until
    // it expires. Calls for one broker stamp and hand over their requests one after another, in the
    // sender's order; the sender keeps all of a partition's requests on one broker at a time, so
    // a slow broker holds back only its own calls.
    const previous = this.#handedOver.get(leader)
    let handedOver!: () => void
    const mine = new Promise<void>((resolve) => (handedOver = resolve))
    this.#handedOver.set(leader, mine)
    const release = (): void => {
      handedOver()
      if (this.#handedOver.get(leader) === mine) this.#handedOver.delete(leader)
    }
    if (previous !== undefined) await previous
    const started = performance.now()
    const settings = this.#config.producer
    const idempotence = this.#idempotence
    const outcomes = new Array<number | unknown>(batches.length)
    const ready: Batch<PendingRecord>[] = []
    const readyAt: number[] = []
    for (let i = 0; i < batches.length; i++) {
      const batch = batches[i] as Batch<PendingRecord>
      try {
        // Encoded once; again only when the producer id it was stamped with was given up.
        if (idempotence === undefined) {
          batch.payload ??= encodeRecordBatch(batch.records, settings.compression, NO_PRODUCER, this.#headers)
        } else if (batch.payload === undefined || batch.generation !== idempotence.generation) {
          const stamp = await idempotence.stamp(batch.topic, batch.partition, batch.records.length)
          batch.payload = encodeRecordBatch(batch.records, settings.compression, stamp, this.#headers)
          batch.generation = stamp.generation
          batch.baseSequence = stamp.baseSequence
        }
        ready.push(batch)
        readyAt.push(i)
      } catch (error) {
        outcomes[i] = error
      }
    }
    if (ready.length === 0) {
      release()
      return outcomes
    }
    const sent = await this.#transport.produce(
      leader,
      ready.map((batch) => ({
        topic: batch.topic,
        partition: batch.partition,
        payload: batch.payload as Buffer
      })),
      release
    )
    sent.forEach((outcome, j) => {
      outcomes[readyAt[j] as number] = outcome
      if (typeof outcome !== 'number') return
      const batch = ready[j] as Batch<PendingRecord>
      this.#metrics.batches.inc()
      this.#metrics.records.inc(batch.records.length)
      this.#metrics.bytes.inc(batch.bytes)
    })
    if (sent.some((outcome) => typeof outcome === 'number')) {
      this.#reachability.reached()
      this.#metrics.latency.observe((performance.now() - started) / 1000)
    }
    return outcomes
  }

  #delivered(batch: Batch<PendingRecord>, baseOffset: number): void {
    for (let i = 0; i < batch.records.length; i++) {
      const record = batch.records[i] as PendingRecord
      this.#memory.release(record.size)
      // Java reports offset -1 when acks=0: the broker does not answer.
      const offset = baseOffset < 0 ? -1 : baseOffset + i
      // Told from the sender's callback, where no caller waits to be slowed down; the acceptance
      // does not reject on a downstream node's error (the engine makes that Failure there).
      void record.ctx.tellSuccess(
        record.msg.withMetadata({
          offset: String(offset),
          partition: String(batch.partition),
          topic: batch.topic
        })
      )
    }
  }

  #fail(record: PendingRecord, error: unknown): void {
    this.#memory.release(record.size)
    // As in #delivered: told from a callback with no caller to wait; downstream errors are handled.
    void record.ctx.tellFailure(record.msg, error)
  }

  #noteError(error: RuleNodeError): void {
    const reason = describeError(error)
    if (error.code === 'CONNECTION' || error.code === 'TIMEOUT') this.#reachability.unreachable(reason)
    else this.#reachability.failed(reason)
  }

  health(): NodeHealth {
    if (this.#reachability.ok)
      return { ok: true, detail: `connected to ${this.#config.producer.bootstrapServers.join(',')}` }
    return {
      ok: false,
      detail: `cannot reach ${this.#config.producer.bootstrapServers.join(',')}: ${this.#reachability.reason}`
    }
  }

  /** No more input: what the accumulator holds, and all that comes after, goes out without a linger. */
  endOfInput(): void {
    this.#inputEnded = true
    this.#accumulator.flush()
  }

  async destroy(): Promise<void> {
    this.#closing = true
    this.#reachability.stop()
    // Records still waiting for buffer room cannot be accepted any more.
    this.#memory.rejectWaiting(
      new ProducerClosedError('the Kafka node stopped before the message was accepted', {
        node: this.#ctx.nodeName
      })
    )
    // Flush: every accepted record is delivered or failed before the producer closes.
    await this.#metadata.idle()
    this.#accumulator.flush()
    await this.#sender.idle()
    await this.#producer.close(true)
  }
}

/** The Kafka node, as registered. */
export const kafkaNodeDefinition: NodeDefinition = {
  type: 'org.thingsboard.rule.engine.kafka.TbKafkaNode',
  alias: 'kafka',
  description:
    'Publishes the message data to a Kafka topic; adds offset, partition and topic on "Success", error on "Failure".',
  relations: [Relation.SUCCESS, Relation.FAILURE],
  config: kafkaNodeConfigSpec,
  create: () => new KafkaNode()
}
