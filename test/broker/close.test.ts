import { test } from 'node:test'
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { startBroker } from '../../src/broker/index.js'
import { testCertificate } from '../helpers/tls.js'

test(
  'close() does not wait for a client that holds a TLS socket open without finishing its handshake',
  { timeout: 30_000 },
  async () => {
    const { cert, key } = testCertificate()
    const broker = await startBroker({ port: 0, tls: { cert, key } })
    // A plain TCP client on the TLS port: it never sends a ClientHello, so no Connection exists.
    const socket = connect(broker.port, broker.host)
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
    await broker.close()
    await closed
    assert.equal(socket.destroyed, true)
  }
)
