// The Kafka producer, usable without the rule engine, with the Java producer's parts: send()
// waits for room in buffer.memory and for its topic's metadata (max.block.ms), the partitioner
// picks a partition, the accumulator gathers records per partition into batches (batch.size,
// linger.ms), the sender drains them per broker (max.in.flight, retries, delivery.timeout.ms) and
// the transport takes each broker's batches to it in one Produce request. Each record hears its
// outcome once: delivered at an offset, or failed.

import { describeError, type ErrorContext, type RuleNodeError } from '../../errors.js'
import { createClient, explainFailure, type KafkaClient } from '../client.js'
import {
  KafkaBrokerError,
  KafkaTimeoutError,
  LeaderUnknownError,
  ProducerClosedError,
  RecordTooLargeError,
  fromClientError,
  where
} from '../errors.js'
import { Accumulator, type Batch } from './accumulator.js'
import { failed, type BatchOutcome } from './batch-outcome.js'
import { BufferMemory } from './buffer-memory.js'
import { Idempotence, sequenceErrorAction, type Stamp } from './idempotence.js'
import { RECORD_OVERHEAD, type OutgoingRecord, type SendOutcome } from './outgoing-record.js'
import { MetadataCache } from './metadata-cache.js'
import { MetadataWait } from './metadata-wait.js'
import { KeyBytes, Partitioner } from './partitioner.js'
import type { ProducerSettings } from './producer-properties.js'
import { Reachability } from './reachability.js'
import { batchCompressor } from './batch-compressor.js'
import {
  BATCH_HEADER_BYTES,
  NO_HEADERS,
  NO_PRODUCER,
  encodeRecordBatch,
  encodeRecords,
  sealBatch,
  type EncodedRecords,
  type HeaderCodec
} from './record-batch.js'
import { Sender } from './sender.js'
import { varIntBytes } from './varint.js'
import { BatchTransport } from './transport.js'

// How often the brokers' reachability is checked without traffic, and how long an answer may take:
// short, so that /healthz follows a broker that goes, hangs or comes back within seconds.
const REACHABILITY_INTERVAL_MS = 1000
const REACHABILITY_TIMEOUT_MS = 2000

/** A counter, as the producer counts. */
export interface Counter {
  inc(amount?: number): void
}

/** What the producer counts (batches, records, bytes delivered; retries; records failed; request latency). */
export interface ProducerMetrics {
  readonly batches: Counter
  readonly records: Counter
  readonly bytes: Counter
  readonly retries: Counter
  readonly errors: Counter
  readonly latency: { observe(seconds: number): void }
}

const NO_COUNTER: Counter = { inc: () => {} }
const NO_METRICS: ProducerMetrics = {
  batches: NO_COUNTER,
  records: NO_COUNTER,
  bytes: NO_COUNTER,
  retries: NO_COUNTER,
  errors: NO_COUNTER,
  latency: { observe: () => {} }
}

/** What a Producer is made of. */
export interface ProducerOptions {
  /** The Java producer's settings, parsed (producer-properties.ts). */
  readonly settings: ProducerSettings
  /** How records' header entries become bytes; undefined: records have no headers. */
  readonly headers?: HeaderCodec | undefined
  /** Added to every error's context (e.g. the rule node's name). */
  readonly context?: ErrorContext
  readonly metrics?: ProducerMetrics
}

/** The brokers' reachability, for health checks. */
export type ProducerHealth = { readonly ok: true } | { readonly ok: false; readonly reason: string }

/** A plain record for Producer.send: UTF-8 key and value. */
export interface ProducerRecord {
  readonly topic: string
  readonly key?: string | undefined
  readonly value: string
}

/** A Kafka producer: send records, flush, close. */
export class Producer<R extends OutgoingRecord = OutgoingRecord> {
  readonly settings: ProducerSettings
  readonly #headers: HeaderCodec | undefined
  readonly #context: ErrorContext
  readonly #metrics: ProducerMetrics
  readonly #client: KafkaClient
  readonly #transport: BatchTransport
  readonly #idempotence: Idempotence | undefined
  readonly #keyBytes = new KeyBytes()
  readonly #memory: BufferMemory
  readonly #accumulator: Accumulator<R>
  readonly #sender: Sender<R>
  readonly #metadata: MetadataCache
  readonly #waiting: MetadataWait<R>
  readonly #partitioner = new Partitioner()
  readonly #reachability: Reachability
  #inputEnded = false
  /** Per broker (-1: leaders looked up), settles when the last produce call has handed its request over. */
  readonly #handedOver = new Map<number, Promise<void>>()

  constructor(options: ProducerOptions) {
    const settings = options.settings
    const context = options.context ?? {}
    this.settings = settings
    this.#headers = options.headers
    this.#context = context
    this.#metrics = options.metrics ?? NO_METRICS
    const client = createClient(settings)
    this.#client = client
    this.#reachability = new Reachability({
      intervalMs: REACHABILITY_INTERVAL_MS,
      timeoutMs: Math.min(settings.requestTimeoutMs, REACHABILITY_TIMEOUT_MS),
      // Fresh: a cached answer would not show whether the brokers answer now.
      check: () => client.metadata({ topics: [], forceUpdate: true }),
      describe: (error) => describeError(fromClientError(explainFailure(client, error), context))
    })
    this.#metadata = new MetadataCache({
      client,
      maxAgeMs: settings.metadataMaxAgeMs,
      retryBackoffMs: settings.retryBackoffMs,
      answered: () => this.#reachability.reached()
    })
    this.#transport = new BatchTransport({
      client,
      metadata: this.#metadata,
      acks: settings.acks,
      timeoutMs: settings.requestTimeoutMs
    })
    if (settings.idempotent) {
      this.#idempotence = new Idempotence(
        () =>
          client.initIdempotentProducer({}).catch((error: unknown) => {
            throw explainFailure(client, error)
          }),
        {
          backoffMs: settings.retryBackoffMs,
          timeoutMs: settings.deliveryTimeoutMs
        }
      )
    }
    // Started now, while the brokers are being reached, rather than when the first batch waits for it.
    if (settings.compression !== 'none') batchCompressor.start()
    this.#memory = new BufferMemory(settings.bufferMemoryBytes)
    this.#accumulator = new Accumulator<R>({
      batchSizeBytes: settings.batchSizeBytes,
      lingerMs: settings.lingerMs,
      onReady: () => this.#sender.wake(),
      onClosed: (batch) => {
        const count = this.#metadata.knownPartitions(batch.topic)
        if (count !== undefined) this.#partitioner.batchClosed(batch.topic, batch.partition, count)
      }
    })
    this.#sender = new Sender<R>({
      maxInFlight: settings.maxInFlight,
      retries: settings.retries,
      retryBackoffMs: settings.retryBackoffMs,
      deliveryTimeoutMs: settings.deliveryTimeoutMs,
      maxRequestBytes: settings.maxRequestSizeBytes,
      source: this.#accumulator,
      hooks: {
        leaderOf: (topic, partition) => this.#metadata.leaderOf(topic, partition),
        produce: (batches, leader) => this.#produce(batches, leader),
        toError: (error, batch) => this.#batchError(error, batch),
        expired: (batch, last) =>
          new KafkaTimeoutError(
            `${batch.records.length} record(s) for ${where({ topic: batch.topic, partition: batch.partition })} expired: not delivered within delivery.timeout.ms ${settings.deliveryTimeoutMs} ms${last === undefined ? '' : ` (last error: ${last.message})`}`,
            { topic: batch.topic, partition: batch.partition },
            {
              deadline: {
                kind: 'delivery',
                records: batch.records.length,
                elapsedMs: Date.now() - batch.createdAt
              }
            }
          ),
        delivered: (batch, baseOffset) => {
          if (batch.generation >= 0)
            this.#idempotence?.acknowledged(
              batch.buffer,
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
    this.#waiting = new MetadataWait<R>({
      cache: this.#metadata,
      maxBlockMs: settings.maxBlockMs,
      retryBackoffMs: settings.retryBackoffMs,
      ready: (record, partitions) => this.#append(record, partitions),
      failed: (record, error) => {
        this.#noteError(error)
        this.#metrics.errors.inc()
        this.#fail(record, error)
      },
      toError: (error, topic) =>
        fromClientError(explainFailure(client, error), {
          topic,
          ...context,
          broker: settings.bootstrapServers.join(',')
        })
    })
    // Reaches for the brokers without blocking: ThingsBoard's node starts while the broker is down.
    this.#reachability.start()
  }

  /** Bytes held by accepted records (buffer.memory in use). */
  get bufferUsed(): number {
    return this.#memory.used
  }

  /** Produce requests under way. */
  get inFlight(): number {
    return this.#sender.inFlight
  }

  /** Whether the brokers answered lately, and if not, why. */
  get health(): ProducerHealth {
    return this.#reachability.ok ? { ok: true } : { ok: false, reason: this.#reachability.reason }
  }

  /**
   * Why the record can never be sent (larger than max.request.size or buffer.memory, as Java's
   * send() refuses it), or undefined.
   */
  refusal(record: R): RecordTooLargeError | undefined {
    const settings = this.settings
    // Java's ensureValidRecordSize checks its upper bound of the record in a batch of its own
    // (AbstractRecords.estimateSizeInBytesUpperBound), max.request.size first.
    const size = javaSizeUpperBound(record)
    const which =
      size > settings.maxRequestSizeBytes
        ? 'max.request.size'
        : size > settings.bufferMemoryBytes
          ? 'buffer.memory'
          : undefined
    if (which === undefined) return undefined
    const limit = which === 'max.request.size' ? settings.maxRequestSizeBytes : settings.bufferMemoryBytes
    return new RecordTooLargeError(
      `the record is ${size} bytes, more than ${which} (${limit} bytes); it cannot be sent to topic ${record.topic}`,
      { topic: record.topic },
      { size, limit: which, limitBytes: limit }
    )
  }

  /**
   * Takes the record (check `refusal` first); its outcome comes through `record.settle`. Returns a
   * promise only when the record waits for room in buffer.memory, as Java's send() blocks: it
   * rejects if the producer closes meanwhile (the record is then not taken).
   */
  append(record: R): Promise<void> | undefined {
    if (this.#memory.tryReserve(record.size)) {
      this.#waiting.route(record)
      return undefined
    }
    return this.#memory.reserve(record.size).then(() => this.#waiting.route(record))
  }

  /** Sends a record of UTF-8 key and value; resolves with its outcome (never rejects). */
  send(input: ProducerRecord): Promise<SendOutcome> {
    return new Promise<SendOutcome>((resolve) => {
      // The producer reads only OutgoingRecord's fields of R: a plain record serves any R.
      const record = plainRecord(input, resolve) as unknown as R
      const refused = this.refusal(record)
      if (refused !== undefined) return resolve({ kind: 'failed', error: refused })
      this.append(record)?.catch((error: unknown) =>
        resolve({ kind: 'failed', error: error instanceof Error ? error : new Error(String(error)) })
      )
    })
  }

  /**
   * Sends what is gathered now, without waiting out linger.ms; with `endOfInput`, so is every
   * record after (nothing more will join a batch). Resolves when every record taken so far has
   * its outcome.
   */
  async flush(options: { endOfInput?: boolean } = {}): Promise<void> {
    if (options.endOfInput === true) this.#inputEnded = true
    this.#accumulator.flush()
    await this.#waiting.idle()
    this.#accumulator.flush()
    await this.#sender.idle()
  }

  /**
   * Stops: records waiting for buffer room fail with `waitingError`; every record taken is
   * delivered or failed; then the connections close.
   */
  async close(
    waitingError: Error = new ProducerClosedError(
      'the producer closed before the record was accepted',
      this.#context
    )
  ): Promise<void> {
    this.#reachability.stop()
    this.#memory.rejectWaiting(waitingError)
    await this.#waiting.idle()
    this.#accumulator.flush()
    await this.#sender.idle()
    await this.#client.close(true)
  }

  // The Java producer's error handling of a batch's failure, idempotence included.
  #batchError(error: unknown, batch: Batch<R>): RuleNodeError {
    const context = {
      topic: batch.topic,
      partition: batch.partition,
      brokerId: batch.leader,
      ...this.#context
    }
    let mapped = fromClientError(explainFailure(this.#client, error), context)
    const action = batch.generation >= 0 ? sequenceErrorAction(mapped.code) : undefined
    // KIP-360, as the Java producer's TransactionManager: OUT_OF_ORDER_SEQUENCE_NUMBER for the
    // partition's first unresolved batch (nothing earlier of it in flight or unanswered) means
    // the broker lost the producer's state (restarted without its data, and perhaps handing out
    // the same producer id again), not that a batch is missing: retrying the same sequence
    // would be refused until delivery.timeout.ms. Start over under a new producer identity.
    if (
      action === 'new-producer-id' ||
      (action === 'retry' &&
        this.#idempotence?.isFirstUnresolved(batch.buffer, batch.generation, batch.baseSequence))
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
  }

  // A topic the brokers do not know (deleted, or recreated by auto-creation with other
  // partitions): new records wait for fresh metadata instead of using the old partition count.
  #topicGone(topic: string, error: RuleNodeError): void {
    if (error.code === 'UNKNOWN_TOPIC_OR_PARTITION') this.#metadata.forgetPartitions(topic)
  }

  #append(record: R, partitions: number): void {
    const key = record.key === undefined ? undefined : this.#keyBytes.of(record.key, record.keyBytes)
    const partition = this.#partitioner.partition(record.topic, key, partitions)
    this.#accumulator.append(record.topic, partition, record)
    // After the end of input nothing more will join a batch: waiting out the linger gains nothing.
    if (this.#inputEnded) this.#accumulator.flush()
  }

  async #produce(batches: Batch<R>[], leader: number): Promise<BatchOutcome[]> {
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
    const compression = this.settings.compression
    const idempotence = this.#idempotence
    const outcomes = new Array<BatchOutcome>(batches.length)
    // Batches to compress: their records are encoded here, compressed all together off the event loop.
    const compressing: Compressing<R>[] = []
    for (let i = 0; i < batches.length; i++) {
      const batch = batches[i] as Batch<R>
      try {
        // Encoded once; again only when the producer id it was stamped with was given up.
        if (idempotence === undefined) {
          if (batch.payload !== undefined) continue
          if (compression === 'none')
            batch.payload = encodeRecordBatch(batch.records, compression, NO_PRODUCER, this.#headers)
          else compressing.push(this.#toCompress(batch, i, undefined))
        } else if (batch.payload === undefined || batch.generation !== idempotence.generation) {
          const stamp = await idempotence.stamp(batch.buffer, batch.records.length)
          if (compression !== 'none') {
            compressing.push(this.#toCompress(batch, i, stamp))
            continue
          }
          batch.payload = encodeRecordBatch(batch.records, compression, stamp, this.#headers)
          stamped(batch, stamp)
        }
      } catch (error) {
        outcomes[i] = failed(error)
      }
    }
    if (compressing.length > 0) await this.#compress(compressing, outcomes)
    const ready: Batch<R>[] = []
    const readyAt: number[] = []
    for (let i = 0; i < batches.length; i++) {
      if (outcomes[i] !== undefined) continue
      ready.push(batches[i] as Batch<R>)
      readyAt.push(i)
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
    const metrics = this.#metrics
    sent.forEach((outcome, j) => {
      outcomes[readyAt[j] as number] = outcome
      if (outcome.kind !== 'appended') return
      const batch = ready[j] as Batch<R>
      metrics.batches.inc()
      metrics.records.inc(batch.records.length)
      metrics.bytes.inc(batch.bytes)
    })
    if (sent.some((outcome) => outcome.kind === 'appended')) {
      this.#reachability.reached()
      metrics.latency.observe((performance.now() - started) / 1000)
    }
    return outcomes
  }

  #toCompress(batch: Batch<R>, index: number, stamp: Stamp | undefined): Compressing<R> {
    return { batch, index, stamp, encoded: encodeRecords(batch.records, this.#headers ?? NO_HEADERS, 0) }
  }

  // A request's compressed batches go to the compression thread in one hand-off; each is then
  // sealed (header, CRC) here. Should compressing fail, so do those batches' sends.
  async #compress(pending: readonly Compressing<R>[], outcomes: BatchOutcome[]): Promise<void> {
    const compression = this.settings.compression
    if (compression === 'none') return
    let compressed: Buffer[]
    try {
      compressed = await batchCompressor.compress(
        compression,
        pending.map((p) => p.encoded.bytes),
        BATCH_HEADER_BYTES
      )
    } catch (error) {
      for (const { batch, index, stamp } of pending) {
        outcomes[index] = failed(error)
        // Its sequence numbers are spent: its failure starts a new producer id, as any stamped batch's does.
        if (stamp !== undefined) stamped(batch, stamp)
      }
      return
    }
    pending.forEach(({ batch, encoded, stamp }, j) => {
      batch.payload = sealBatch(compressed[j] as Buffer, encoded, compression, stamp ?? NO_PRODUCER)
      if (stamp !== undefined) stamped(batch, stamp)
    })
  }

  #delivered(batch: Batch<R>, baseOffset: number): void {
    const topic = batch.topic
    const partition = batch.partition
    for (let i = 0; i < batch.records.length; i++) {
      const record = batch.records[i] as R
      this.#memory.release(record.size)
      // Java reports offset -1 when acks=0: the broker does not answer.
      record.settle({ kind: 'delivered', topic, partition, offset: baseOffset < 0 ? -1 : baseOffset + i })
    }
  }

  #fail(record: R, error: RuleNodeError | Error): void {
    this.#memory.release(record.size)
    record.settle({ kind: 'failed', error })
  }

  #noteError(error: RuleNodeError): void {
    const reason = describeError(error)
    if (error.code === 'CONNECTION' || error.code === 'TIMEOUT') this.#reachability.unreachable(reason)
    else this.#reachability.failed(reason)
  }
}

/** Records on the batch the stamp its payload was encoded with. */
function stamped(batch: Batch, stamp: Stamp): void {
  batch.generation = stamp.generation
  batch.baseSequence = stamp.baseSequence
}

// A batch whose records are encoded and wait to be compressed; `index`: its place in the request.
interface Compressing<R extends OutgoingRecord> {
  readonly batch: Batch<R>
  readonly index: number
  readonly encoded: EncodedRecords
  /** The idempotent producer's stamp, or undefined. */
  readonly stamp: Stamp | undefined
}

// The v2 batch header (RECORD_BATCH_OVERHEAD) and the varint lengths of key and value (a null key
// takes one byte), which the Java estimate adds to what record.size counts.
const BATCH_OVERHEAD = 61

function javaSizeUpperBound(record: OutgoingRecord): number {
  const key = record.key === undefined ? 1 : varIntBytes(record.keyBytes)
  return BATCH_OVERHEAD + record.size + key + varIntBytes(record.valueBytes)
}

// A record for send(): no headers, the timestamp when it was taken, the outcome to a promise.
function plainRecord(input: ProducerRecord, resolve: (outcome: SendOutcome) => void): OutgoingRecord {
  const keyBytes = input.key === undefined ? 0 : Buffer.byteLength(input.key, 'utf8')
  const valueBytes = Buffer.byteLength(input.value, 'utf8')
  return {
    topic: input.topic,
    key: input.key,
    keyBytes,
    value: input.value,
    valueBytes,
    headers: undefined,
    headerCount: 0,
    headerBytes: 1,
    size: RECORD_OVERHEAD + keyBytes + valueBytes + 1,
    timestamp: Date.now(),
    settle: resolve
  }
}
