import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import type { TLSSocket } from 'node:tls'
import { createClient, type KafkaClient } from '../../src/kafka/client.js'
import { producerSettings } from '../../src/kafka/producer/producer-properties.js'
import { startTestBroker } from '../helpers/broker.js'
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
