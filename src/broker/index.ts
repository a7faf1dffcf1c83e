// The development broker: a single-process Kafka-protocol broker for local use, demos and tests.
// Not a production broker: one node, no replication, no transactions, no retention.

import { createServer as createTcpServer, type Server, type Socket } from 'node:net'
import { createServer as createTlsServer } from 'node:tls'
import { apiTable } from './apis/index.js'
import { silentBrokerLogger, type BrokerLogger } from './broker-logger.js'
import { Connection } from './connection.js'
import { FaultState, type BrokerFaults } from './faults.js'
import { GroupCoordinator } from './groups/group-coordinator.js'
import { batchCodec, decodeBatch, type StoredRecord } from './log/record-batch.js'
import { TopicStore } from './log/topic-store.js'

export type { BrokerFaults } from './faults.js'
export type { StoredRecord } from './log/record-batch.js'
export type { BrokerLogger } from './broker-logger.js'
export { BrokerDataError } from './log/topic-store.js'

// Kafka's defaults: sasl.server.max.receive.size and connections.max.idle.ms.
const KAFKA_SASL_MAX_RECEIVE_BYTES = 512 * 1024
const KAFKA_CONNECTIONS_MAX_IDLE_MS = 10 * 60 * 1000

// Kafka's default message.max.bytes: 1 MiB of records plus the batch's offset and length fields.
const KAFKA_MAX_MESSAGE_BYTES = 1024 * 1024 + 12

/** How to run the broker. */
export interface BrokerOptions {
  /** Default 127.0.0.1. */
  readonly host?: string
  /** Default 9092; 0 picks a free port. */
  readonly port?: number
  /** Partitions of auto-created topics; default 3. */
  readonly partitions?: number
  /** Keep the log in files there across restarts; default in memory. */
  readonly dataDir?: string
  /** username -> password; when set, clients must authenticate (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512). */
  readonly saslUsers?: Readonly<Record<string, string>>
  /** PEM certificate and key; when set, the listener speaks TLS. */
  readonly tls?: { readonly cert: string; readonly key: string }
  /** Largest record batch accepted (max.message.bytes); default 1048588, Kafka's (1 MiB plus the 12-byte log overhead). */
  readonly maxMessageBytes?: number
  /** Largest request frame; bigger ones close the connection. Default 100 MiB (Kafka's socket.request.max.bytes). */
  readonly maxRequestBytes?: number
  /** Largest request frame before SASL authentication; default 512 KiB (Kafka's sasl.server.max.receive.size). */
  readonly maxUnauthenticatedRequestBytes?: number
  /** Closes a connection after this long without traffic; default 600000, Kafka's connections.max.idle.ms; 0: never. */
  readonly idleTimeoutMs?: number
  /** Most connections open at once; one more is closed as it opens. Default unlimited (Kafka's max.connections). */
  readonly maxConnections?: number
  /** Highest version served per API name, to act like an older Kafka (e.g. `{ Produce: 7 }`: 2.1). */
  readonly maxVersions?: Readonly<Record<string, number>>
  readonly logger?: BrokerLogger
}

/** A running broker. */
export interface Broker {
  readonly host: string
  readonly port: number
  readonly faults: BrokerFaults
  /** Requests received per API name ('Produce', 'Metadata', ...) since start. */
  requestCount(api: string): number
  /** The records stored in a partition, decoded (gzip and uncompressed batches). */
  records(topic: string, partition: number): StoredRecord[]
  /** The compression of each stored batch of a partition ('none', 'gzip', 'snappy', 'lz4', 'zstd'). */
  codecs(topic: string, partition: number): string[]
  /** The next offset of a partition; -1 when there is no such partition. */
  highWatermark(topic: string, partition: number): number
  /** Creates a topic with a partition count of its own. */
  createTopic(name: string, partitions: number): void
  /** Grows an existing topic to `total` partitions, as Kafka's CreatePartitions does. */
  addPartitions(name: string, total: number): void
  /** Closes the listener and every connection, keeping the data. */
  down(): Promise<void>
  /** Listens again on the same host and port. */
  up(): Promise<void>
  close(): Promise<void>
}

/** Starts a broker; resolves once it listens. */
export async function startBroker(options: BrokerOptions = {}): Promise<Broker> {
  const host = options.host ?? '127.0.0.1'
  const logger = options.logger ?? silentBrokerLogger
  const store = new TopicStore(options.partitions ?? 3, options.dataDir)
  const groups = new GroupCoordinator()
  const faults = new FaultState()
  const counts = new Map<string, number>()
  const users = options.saslUsers === undefined ? undefined : new Map(Object.entries(options.saslUsers))
  const connections = new Set<Connection>()
  const sockets = new Set<Socket>()
  const apis = apiTable(options.maxVersions)
  const advertised = { host, port: options.port ?? 9092 }
  // Kafka never hands out a producer id twice (ids come in blocks from its metadata log). Here
  // the log read back names the ids already used: one given again would find its sequence 0 in
  // the restored producer state and have its first batch answered as a duplicate, not stored.
  let producerIds = store.maxRestoredProducerId < 1000n ? 1000n : store.maxRestoredProducerId + 1n

  const maxConnections = options.maxConnections ?? Infinity
  const onSocket = (socket: Socket): void => {
    if (faults.refusing) {
      socket.destroy()
      return
    }
    // Kafka's acceptor leaves connections over max.connections waiting in the listen backlog;
    // closing them at once instead lets a client see the refusal and retry, and holds nothing.
    if (connections.size >= maxConnections) {
      logger.warn(
        `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}: ${connections.size} connections open, the most allowed (maxConnections); closing the new one`
      )
      socket.destroy()
      return
    }
    const connection = new Connection(socket, {
      apis,
      faults,
      logger,
      maxRequestBytes: options.maxRequestBytes ?? 100 * 1024 * 1024,
      maxUnauthenticatedRequestBytes: options.maxUnauthenticatedRequestBytes ?? KAFKA_SASL_MAX_RECEIVE_BYTES,
      idleTimeoutMs: options.idleTimeoutMs ?? KAFKA_CONNECTIONS_MAX_IDLE_MS,
      users,
      countRequest: (api) => counts.set(api, (counts.get(api) ?? 0) + 1),
      context: {
        store,
        groups,
        advertised,
        maxMessageBytes: options.maxMessageBytes ?? KAFKA_MAX_MESSAGE_BYTES,
        nextProducerId: () => producerIds++
      }
    })
    connections.add(connection)
    socket.on('close', () => connections.delete(connection))
  }

  let server: Server | undefined
  const listen = async (port: number): Promise<number> => {
    const created: Server =
      options.tls === undefined
        ? createTcpServer(onSocket)
        : createTlsServer({ cert: options.tls.cert, key: options.tls.key }, onSocket)
    created.on('tlsClientError', (error: Error) => logger.warn(`TLS handshake failed: ${error.message}`))
    // Every TCP socket, also one still in its TLS handshake (not yet a Connection): closing the
    // listener must not wait for a client that keeps such a socket open.
    created.on('connection', (socket: Socket) => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    })
    await new Promise<void>((resolve, reject) => {
      created.once('error', reject)
      created.listen(port, host, () => {
        created.off('error', reject)
        resolve()
      })
    })
    server = created
    const address = created.address()
    return typeof address === 'object' && address !== null ? address.port : port
  }
  const stopListening = async (): Promise<void> => {
    const current = server
    server = undefined
    for (const connection of connections) connection.close()
    connections.clear()
    for (const socket of sockets) socket.destroy()
    sockets.clear()
    if (current !== undefined) await new Promise<void>((resolve) => current.close(() => resolve()))
  }

  advertised.port = await listen(advertised.port)
  logger.info(`listening on ${host}:${advertised.port}`)
  const partitionOf = (topic: string, partition: number) => store.topics.get(topic)?.partitions[partition]

  return {
    host,
    get port() {
      return advertised.port
    },
    faults,
    requestCount: (api) => counts.get(api) ?? 0,
    records(topic, partition) {
      return (partitionOf(topic, partition)?.batches ?? []).flatMap((batch) => decodeBatch(batch.bytes))
    },
    codecs: (topic, partition) =>
      (partitionOf(topic, partition)?.batches ?? []).map((batch) => batchCodec(batch.bytes)),
    highWatermark: (topic, partition) => partitionOf(topic, partition)?.highWatermark ?? -1,
    createTopic(name, partitions) {
      if (!store.topics.has(name)) store.create(name, partitions)
    },
    addPartitions(name, total) {
      if (!store.addPartitions(name, total))
        throw new Error(`topic ${name} does not exist or has ${total} partitions or more already`)
    },
    down: stopListening,
    async up() {
      if (server === undefined) await listen(advertised.port)
    },
    async close() {
      await stopListening()
      groups.close()
      store.close()
    }
  }
}
