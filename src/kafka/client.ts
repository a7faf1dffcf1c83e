// The one door to the client library (@platformatic/kafka): no other file in src imports it.
// The producer uses the client for cluster metadata, connections (TLS, SASL), API versions and
// producer ids, and sends its own encoded batches over those connections (producer/transport.ts);
// the protocol helpers it borrows (Writer, Reader, compression codecs, CRC-32C) and the demo's
// independent consumer are passed on from here. The client's own retries are off (the
// node's sender retries, so that `retries` keeps Java's meaning); topics auto-create on metadata
// as the Java producer asks brokers to. Each TLS connection is verified against, and names in
// SNI, the host it connects to (see tlsOptions). The Kafka input's group consumer
// (openGroupConsumer) and its dead-letter sender (createRecordSender) are the client's own
// Consumer and Producer behind the small interfaces the input needs, connecting with the same
// TLS and SASL settings (security-properties.ts) as the producer.

import { isIP } from 'node:net'
import type { ConnectionOptions } from 'node:tls'
import {
  Consumer,
  connectionsConnectsChannel,
  MessagesStreamFallbackModes,
  MessagesStreamModes,
  NetworkError,
  ProduceAcks,
  Producer,
  ProtocolError,
  TimeoutError,
  UserError,
  stringSerializer,
  type Connection
} from '@platformatic/kafka'
import { bootstrapServer } from './producer/bootstrap-servers.js'
import type { ProducerSettings } from './producer/producer-properties.js'
import type { ConnectionSecurity, TlsSettings } from './security-properties.js'

export { Consumer, Writer, compressionsAlgorithms, stringDeserializers } from '@platformatic/kafka'
export { crc32c as clientCrc32c } from '@platformatic/kafka'
export type { Broker, Connection, Reader } from '@platformatic/kafka'

/**
 * What the producer uses of the client: metadata, connections, API versions, a producer id and
 * close. A producer of Buffer keys and values with string header names underneath.
 */
export type KafkaClient = Pick<
  Producer<Buffer, Buffer, string, Buffer>,
  'metadata' | 'connections' | 'listApis' | 'clearMetadata' | 'initIdempotentProducer' | 'close'
>

/** The client's error for a partition the broker answered with a Kafka error code. */
export function brokerErrorOf(errorCode: number, message: string | null): Error {
  return new ProtocolError(errorCode, message)
}

/** Creates the client; it connects on first use. */
export function createClient(settings: ProducerSettings): KafkaClient {
  const producer = new Producer<Buffer, Buffer, string, Buffer>({
    clientId: settings.clientId,
    bootstrapBrokers: settings.bootstrapServers.map(bootstrapServer),
    retries: 0,
    timeout: settings.requestTimeoutMs,
    requestTimeout: settings.requestTimeoutMs,
    connectTimeout: Math.min(settings.requestTimeoutMs, 10_000),
    maxInflights: settings.maxInFlight,
    // The producer stamps its own batches (idempotence.ts); the client only asks for the producer id.
    idempotent: false,
    autocreateTopics: true,
    metadataMaxAge: settings.metadataMaxAgeMs,
    // A stale-metadata answer is a retriable error for the producer's sender, not a hidden extra attempt.
    repeatOnStaleMetadata: false,
    ...(settings.compression === 'none' ? {} : { compression: settings.compression }),
    serializers: { headerKey: stringSerializer },
    ...securityOptions(settings)
  })
  if (settings.tls !== undefined) {
    producer.connections.on('connect', ({ connection }: { connection: Connection }) => {
      // A connection that got this far has nothing to explain yet.
      tlsFailures.delete(producer)
      connection.on('error', (error: Error) => tlsFailures.set(producer, error))
    })
  }
  return producer
}

/** The last error a connection of the client reported, by client. */
const tlsFailures = new WeakMap<object, Error>()

/**
 * The error to report for a failed call: a bare "Connection closed" is replaced by what closed the
 * connection, when one of the client's connections reported an error. With TLS 1.3 the client's
 * handshake completes before the broker checks the client's certificate; a broker that requires
 * one and got none (or an untrusted one) sends an alert and closes, and the client fails the
 * requests under way only with "Connection closed", while the alert comes as the connection's
 * error event. The Java producer reports that alert (SslAuthenticationException); so must the producer.
 */
export function explainFailure(client: KafkaClient, error: unknown): unknown {
  const cause = tlsFailures.get(client)
  if (cause === undefined || !(error instanceof NetworkError) || error.cause !== undefined) return error
  return new NetworkError(error.message, { cause })
}

/** The client's `tls` and `sasl` options for a connection's security settings. */
function securityOptions(security: ConnectionSecurity | undefined): {
  tls?: ConnectionOptions
  sasl?: { mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'; username: string; password: string }
} {
  return {
    ...(security?.tls === undefined ? {} : { tls: tlsOptions(security.tls) }),
    ...(security?.sasl === undefined ? {} : { sasl: { ...security.sasl } })
  }
}

/**
 * The host of the connection the client is opening right now: the client publishes each connect,
 * with its host, on this diagnostics channel just before it copies the TLS options for it, in the
 * same synchronous run. Every pool of every client goes through it, also those a consumer's
 * fetching stream makes for itself (which no pool event of the client shows).
 */
let opening: string | undefined
connectionsConnectsChannel.start.subscribe((context) => {
  opening = (context as { host?: unknown }).host as string | undefined
})

/**
 * The client's TLS options. The client's own tlsServerName is one name (or `true`: the host) for
 * every connection; but the Java producer (its SSLEngine made for each connection's host) and
 * librdkafka verify each connection against the host it connects to, the bootstrap host first and
 * then each broker's advertised host, and send that host as SNI unless it is an IP address (RFC
 * 6066 forbids IP addresses there; Node warns). Node's tls.connect verifies against `servername`
 * or else the host it connects to, so only the SNI needs the host: `servername` is read as the
 * options are copied for that connection, right after the connect is published (see `opening`).
 */
function tlsOptions(settings: TlsSettings): ConnectionOptions {
  const options: ConnectionOptions = {
    ...(settings.ca === undefined ? {} : { ca: settings.ca }),
    ...(settings.cert === undefined ? {} : { cert: settings.cert }),
    ...(settings.key === undefined ? {} : { key: settings.key }),
    rejectUnauthorized: true,
    // ssl.endpoint.identification.algorithm="" keeps the chain check but skips the host name.
    ...(settings.verifyHostname ? {} : { checkServerIdentity: () => undefined })
  }
  Object.defineProperty(options, 'servername', {
    enumerable: true,
    // Taken once: a connection opened without being published gets no SNI, never another host's name.
    get: () => {
      const host = opening
      opening = undefined
      return host === undefined || isIP(host) !== 0 ? undefined : host
    }
  })
  return options
}

/**
 * Whether a metadata request failed because a topic is not (yet) there: the client turns the
 * broker's UNKNOWN_TOPIC_OR_PARTITION into a UserError. Apache Kafka answers so while it creates a
 * topic on request (the development broker created it at once), and the Java producer keeps
 * asking until max.block.ms; so must the producer, instead of failing the record.
 */
export function isUnknownTopic(error: unknown): boolean {
  return error instanceof UserError
}

/** Whether the client gave up waiting: a request unanswered within request.timeout.ms, or a connect. */
export function isClientTimeout(error: unknown): boolean {
  return error instanceof TimeoutError
}

/** How the members of a group share partitions out (see GroupConsumerSettings). */
export interface GroupProtocolHooks {
  /** The member's subscription user data, read at every join (what it owns, for `assign`). */
  readonly userData: () => Buffer
  /** Run by the member the coordinator makes leader: the partitions of every member. */
  readonly assign: (
    members: readonly { memberId: string; topics: readonly string[]; userData: Buffer | undefined }[],
    partitionCounts: ReadonlyMap<string, number>
  ) => Map<string, Assignment[]>
}

/** How a Kafka input joins its consumer group. */
export interface GroupConsumerSettings extends GroupProtocolHooks {
  readonly bootstrapServers: readonly string[]
  readonly clientId: string
  readonly groupId: string
  readonly topics: readonly string[]
  readonly sessionTimeoutMs: number
  readonly heartbeatIntervalMs: number
  /** Records the client may hold fetched and not yet taken: a bound on memory besides a fetch. */
  readonly bufferedRecords: number
  /** TLS and SASL (security.protocol and the ssl.* and sasl.* properties); PLAINTEXT without. */
  readonly security?: ConnectionSecurity
}

/** A record as a Kafka input takes it. */
export interface ConsumedRecord {
  readonly topic: string
  readonly partition: number
  readonly offset: bigint
  readonly key: Buffer | undefined
  readonly value: Buffer | undefined
  readonly headers: ReadonlyMap<Buffer, Buffer>
  readonly timestamp: bigint
}

/** One topic's partitions held by this member. */
export interface Assignment {
  readonly topic: string
  readonly partitions: readonly number[]
}

/** What a Kafka input uses of the client's group consumer. */
export interface GroupConsumer {
  /** The records of the assigned partitions, from the group's committed offsets (earliest when none). */
  readonly records: AsyncIterable<ConsumedRecord>
  readonly memberId: string | null
  readonly generationId: number
  assignments(): readonly Assignment[]
  /** After each join of the group: the partitions now held. */
  onJoin(listener: (assignments: readonly Assignment[]) => void): void
  /** When the coordinator starts a rebalance (the client rejoins at once). */
  onRebalance(listener: () => void): void
  /** Commits, for each partition, the offset of the next record to read. */
  commit(offsets: readonly { topic: string; partition: number; offset: bigint }[]): Promise<void>
  /** The end offset (high watermark) of every partition of `topics`. */
  endOffsets(topics: readonly string[]): Promise<ReadonlyMap<string, readonly bigint[]>>
  /** Joins the group again (a rebalance), e.g. after giving partitions up, so that others get them. */
  rejoin(): Promise<void>
  /** Stops fetching: `records` ends; the member stays in the group (to commit) until `close`. */
  stopFetching(): Promise<void>
  /** Stops fetching, leaves the group, closes the connections. */
  close(): Promise<void>
}

/** The assignor's protocol name in JoinGroup: every member of a group must offer the same. */
const ASSIGNOR = 'krn-cooperative-sticky'

/** Joins the group and starts fetching; resolves once the first join completed. */
export async function openGroupConsumer(settings: GroupConsumerSettings): Promise<GroupConsumer> {
  const consumer = new Consumer({
    clientId: settings.clientId,
    groupId: settings.groupId,
    bootstrapBrokers: settings.bootstrapServers.map(bootstrapServer),
    sessionTimeout: settings.sessionTimeoutMs,
    rebalanceTimeout: settings.sessionTimeoutMs,
    heartbeatInterval: settings.heartbeatIntervalMs,
    // The user data is read at each join (the client encodes the protocol's metadata then).
    protocols: [
      {
        name: ASSIGNOR,
        version: 0,
        get metadata() {
          return settings.userData()
        }
      }
    ],
    partitionAssigner: (_leader, members, _topics, metadata) => {
      const counts = new Map<string, number>()
      for (const [topic, info] of metadata.topics) counts.set(topic, info.partitionsCount)
      const plan = settings.assign(
        [...members.values()].map((m) => ({
          memberId: m.memberId,
          topics: m.topics ?? [],
          userData: typeof m.metadata === 'string' ? Buffer.from(m.metadata) : m.metadata
        })),
        counts
      )
      return [...plan].map(([memberId, assignments]) => ({
        memberId,
        assignments: new Map(
          assignments.map((a) => [a.topic, { topic: a.topic, partitions: [...a.partitions] }])
        )
      }))
    },
    // The input commits itself, only what has left the chain.
    autocommit: false,
    maxWaitTime: 500,
    highWaterMark: settings.bufferedRecords,
    ...securityOptions(settings.security)
  })
  let stream
  try {
    stream = await consumer.consume({
      topics: [...settings.topics],
      mode: MessagesStreamModes.COMMITTED,
      fallbackMode: MessagesStreamFallbackModes.EARLIEST,
      autocommit: false
    })
  } catch (error) {
    // Its connections and timers would keep the process alive after the error is reported.
    await new Promise<void>((resolve) => consumer.close(true, () => resolve()))
    throw error
  }
  // The consumer emits 'error' when it cannot rejoin its group after a failed heartbeat: that ends
  // the stream with the error, where the input sees every failure of the client (it fails the run,
  // or, while stopping, when the group falls apart as its members leave, only logs it).
  consumer.on('error', (error: Error) => stream.destroy(error))
  // Once the input stops iterating (it stops first, then closes the consumer), nothing listens to
  // the stream: a fetch, an offset refresh or a rejoin that fails as the consumer's connections
  // close would end it with an error nobody handles, and an unhandled 'error' event ends the
  // process with exit 1 after a clean stop. While the input iterates, its iterator sees every error.
  stream.on('error', () => undefined)
  return {
    records: stream as AsyncIterable<ConsumedRecord>,
    get memberId() {
      return consumer.memberId
    },
    get generationId() {
      return consumer.generationId
    },
    assignments: () => consumer.assignments ?? [],
    onJoin: (listener) =>
      consumer.on('consumer:group:join', ({ assignments }) => listener(assignments ?? [])),
    onRebalance: (listener) => consumer.on('consumer:group:rebalance', () => listener()),
    commit: (offsets) => consumer.commit({ offsets: offsets.map((o) => ({ ...o, leaderEpoch: -1 })) }),
    endOffsets: (topics) => consumer.listOffsets({ topics: [...topics] }),
    rejoin: async () => {
      await consumer.joinGroup({})
    },
    stopFetching: () => stream.close(),
    close: async () => {
      await stream.close()
      // Forced: closes whatever stream is left and leaves the group even mid-rebalance.
      await new Promise<void>((resolve, reject) =>
        consumer.close(true, (error) => (error ? reject(error) : resolve()))
      )
    }
  }
}

/** Sends whole records (a Kafka input's dead letters): acks from all in-sync replicas. */
export interface RecordSender {
  send(record: {
    topic: string
    key: Buffer | undefined
    value: Buffer | undefined
    headers: ReadonlyMap<string, Buffer>
  }): Promise<void>
  close(): Promise<void>
}

/** A sender on the client's own producer, connecting with `security` (PLAINTEXT without); it connects on first use. */
export function createRecordSender(
  bootstrapServers: readonly string[],
  clientId: string,
  security?: ConnectionSecurity
): RecordSender {
  const producer = new Producer<Buffer, Buffer, string, Buffer>({
    clientId,
    bootstrapBrokers: bootstrapServers.map(bootstrapServer),
    autocreateTopics: true,
    serializers: { headerKey: stringSerializer },
    ...securityOptions(security)
  })
  return {
    send: async ({ topic, key, value, headers }) => {
      await producer.send({
        acks: ProduceAcks.ALL,
        messages: [
          {
            topic,
            ...(key === undefined ? {} : { key }),
            // A tombstone is dead-lettered as one: an empty value stands for none.
            value: value ?? Buffer.alloc(0),
            headers: new Map(headers)
          }
        ]
      })
    },
    close: () => producer.close()
  }
}
