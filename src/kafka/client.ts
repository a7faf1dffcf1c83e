// The one door to the client library (@platformatic/kafka): no other file in src imports it.
// The producer uses the client for cluster metadata, connections (TLS, SASL), API versions and
// producer ids, and sends its own encoded batches over those connections (producer/transport.ts);
// the protocol helpers it borrows (Writer, Reader, compression codecs, CRC-32C) and the demo's
// independent consumer are passed on from here. The client's own retries are off (the
// node's sender retries, so that `retries` keeps Java's meaning); topics auto-create on metadata
// as the Java producer asks brokers to. Each TLS connection is verified against, and names in
// SNI, the host it connects to (see tlsOptions).

import { isIP } from 'node:net'
import type { ConnectionOptions } from 'node:tls'
import {
  NetworkError,
  Producer,
  ProtocolError,
  TimeoutError,
  UserError,
  stringSerializer,
  type Broker,
  type Connection
} from '@platformatic/kafka'
import { bootstrapServer } from './producer/bootstrap-servers.js'
import type { ProducerSettings, TlsSettings } from './producer/producer-properties.js'

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
  const tls = settings.tls === undefined ? undefined : tlsOptions(settings.tls)
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
    ...(tls === undefined ? {} : { tls: tls.options }),
    ...(settings.sasl === undefined ? {} : { sasl: { ...settings.sasl } })
  })
  // The pool announces each broker just before it opens the connection to it.
  if (tls !== undefined) {
    producer.connections.on('connecting', ({ broker }: { broker: Broker }) => tls.connecting(broker.host))
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

/**
 * The client's TLS options, and what to call with the host of each connection about to open. The
 * client's own tlsServerName is one name (or `true`: the host) for every connection; but the Java
 * producer (its SSLEngine made for each connection's host) and librdkafka verify each connection
 * against the host it connects to, the bootstrap host first and then each broker's advertised
 * host, and send that host as SNI unless it is an IP address (RFC 6066 forbids IP addresses
 * there; Node warns). Node's tls.connect verifies against `servername` or else the host it
 * connects to, so only the SNI needs the host: `servername` is read as the options are copied
 * for that connection, which the client does right after the pool's `connecting` event.
 */
function tlsOptions(settings: TlsSettings): { options: ConnectionOptions; connecting(host: string): void } {
  let next: string | undefined
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
    // Taken once: a connection opened without the event gets no SNI, never another host's name.
    get: () => {
      const host = next
      next = undefined
      return host === undefined || isIP(host) !== 0 ? undefined : host
    }
  })
  return { options, connecting: (host) => (next = host) }
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
