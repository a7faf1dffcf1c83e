import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { tracingChannel } from 'node:diagnostics_channel'
import type { TLSSocket } from 'node:tls'
import {
  createClient,
  createRecordSender,
  openGroupConsumer,
  type ConsumedRecord,
  type KafkaClient
} from '../../src/kafka/client.js'
import type { ConnectionSecurity } from '../../src/kafka/security-properties.js'
import { producerSettings } from '../../src/kafka/producer/producer-properties.js'
import { startTestBroker, uniqueTopic } from '../helpers/broker.js'
import { testCertificate } from '../helpers/tls.js'

/**
 * A development broker speaking TLS, advertised as 127.0.0.1, and a client trusting `ca` that
 * bootstraps at localhost; the host and SNI of each connection the client opens. The client is
 * closed before the broker (its hook comes first): the broker's close waits for TLS clients.
 */
async function tlsClient(t: TestContext, ca: string, tls: { cert: string; key: string }) {
  const clients: KafkaClient[] = []
  t.after(() => Promise.all(clients.map((client) => client.close(true))))
  const broker = await startTestBroker(t, { host: '127.0.0.1', partitions: 1, tls })
  const bootstrap = `localhost:${broker.port}`
  const settings = producerSettings(
    {
      bootstrapServers: [bootstrap],
      retries: 0,
      batchSizeBytes: 16384,
      lingerMs: 0,
      bufferMemoryBytes: 33554432,
      acks: -1
    },
    { 'security.protocol': 'SSL', 'ssl.truststore.type': 'PEM', 'ssl.truststore.certificates': ca },
    () => {}
  )
  const client = createClient(settings)
  clients.push(client)
  const opened: [string, string | false][] = []
  client.connections.on('connect', ({ broker, connection }) =>
    opened.push([broker.host, (connection.socket as TLSSocket).servername as string | false])
  )
  return { client, opened, broker }
}

test('each TLS connection names its own host in SNI: the bootstrap name, none for a broker advertised by IP address (and no RFC 6066 warning)', async (t) => {
  const { cert, key } = testCertificate()
  const warnings: string[] = []
  const onWarning = (warning: Error): void => void warnings.push(warning.message)
  process.on('warning', onWarning)
  t.after(() => process.off('warning', onWarning))
  const { client, opened } = await tlsClient(t, cert, { cert, key })
  const metadata = await client.metadata({ topics: [] })
  for (const advertised of metadata.brokers.values()) await client.connections.get(advertised)
  await new Promise((resolve) => setImmediate(resolve))
  assert.deepEqual(opened, [
    ['localhost', 'localhost'],
    ['127.0.0.1', false]
  ])
  assert.deepEqual(warnings, [])
})

test('each TLS connection is verified against its own host: a certificate for localhost only fails the broker advertised as 127.0.0.1', async (t) => {
  const { cert, key } = testCertificate('DNS:localhost')
  const { client, opened, broker } = await tlsClient(t, cert, { cert, key })
  const metadata = await client.metadata({ topics: [] })
  assert.deepEqual(
    [...metadata.brokers.values()].map((b) => `${b.host}:${b.port}`),
    [`127.0.0.1:${broker.port}`]
  )
  const advertised = [...metadata.brokers.values()][0]
  assert.ok(advertised !== undefined)
  await assert.rejects(client.connections.get(advertised), (error: Error & { cause?: { code?: string } }) => {
    assert.equal(error.cause?.code, 'ERR_TLS_CERT_ALTNAME_INVALID')
    return true
  })
  assert.deepEqual(opened, [['localhost', 'localhost']])
})

test("the Kafka input's group consumer and dead-letter sender log in with SCRAM over TLS and name their host in SNI on every connection, the fetch stream's own ones too", async (t) => {
  const { cert, key } = testCertificate('DNS:localhost')
  // Closed before the broker (this hook comes first): leaving the group needs it.
  const closing: (() => Promise<void>)[] = []
  t.after(async () => {
    for (const close of closing.reverse()) await close()
  })
  const broker = await startTestBroker(t, {
    host: 'localhost',
    partitions: 1,
    tls: { cert, key },
    saslUsers: { alice: 'alice-secret' }
  })
  const servernames: (string | false)[] = []
  const connects = tracingChannel('plt:kafka:connections:connects')
  const onConnect = (context: unknown): void => {
    const socket = (context as { connection: { socket: TLSSocket } }).connection.socket
    socket.once('secureConnect', () => servernames.push(socket.servername as string | false))
  }
  connects.end.subscribe(onConnect)
  t.after(() => connects.end.unsubscribe(onConnect))
  const security: ConnectionSecurity = {
    tls: { ca: cert, cert: undefined, key: undefined, verifyHostname: true },
    sasl: { mechanism: 'SCRAM-SHA-256', username: 'alice', password: 'alice-secret' }
  }
  const bootstrap = [`localhost:${broker.port}`]
  const topic = uniqueTopic('sni')
  const sender = createRecordSender(bootstrap, 'sni-test', security)
  closing.push(() => sender.close())
  await sender.send({ topic, key: Buffer.from('k'), value: Buffer.from('v'), headers: new Map() })
  const consumer = await openGroupConsumer({
    bootstrapServers: bootstrap,
    clientId: 'sni-test',
    groupId: uniqueTopic('sni-group'),
    topics: [topic],
    sessionTimeoutMs: 6000,
    heartbeatIntervalMs: 600,
    bufferedRecords: 10,
    security,
    userData: () => Buffer.alloc(0),
    assign: (members, counts) =>
      new Map(
        members.map((m, i) => [
          m.memberId,
          i > 0 ? [] : [...counts].map(([name, n]) => ({ topic: name, partitions: [...Array(n).keys()] }))
        ])
      )
  })
  closing.push(() => consumer.close())
  const first = await consumer.records[Symbol.asyncIterator]().next()
  const record = first.value as ConsumedRecord
  assert.deepEqual(
    [record.topic, record.partition, record.offset, record.key?.toString(), record.value?.toString()],
    [topic, 0, 0n, 'k', 'v']
  )
  // One connection each: the sender's (bootstrap and broker are one host:port), the consumer's,
  // and its fetch stream's own pool.
  assert.deepEqual(servernames, ['localhost', 'localhost', 'localhost'])
})
