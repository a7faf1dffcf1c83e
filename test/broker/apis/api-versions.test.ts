import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startTestBroker } from '../../helpers/broker.js'
import { apiVersionsRequest, exchange, openSocket } from '../../helpers/raw-frames.js'

test('answers ApiVersions v0 with its table: correlation id kept, no error', async (t) => {
  const broker = await startTestBroker(t)
  const socket = await openSocket(broker.port)
  t.after(() => socket.destroy())
  const response = await exchange(socket, apiVersionsRequest(42))
  assert.ok(response !== null)
  assert.equal(response.readInt32BE(0), 42)
  assert.equal(response.readInt16BE(4), 0)
  const count = response.readInt32BE(6)
  const apis = new Map<number, [number, number]>()
  for (let i = 0; i < count; i++) {
    const at = 10 + i * 6
    apis.set(response.readInt16BE(at), [response.readInt16BE(at + 2), response.readInt16BE(at + 4)])
  }
  assert.deepEqual(apis.get(0), [3, 9])
  assert.deepEqual(apis.get(1), [4, 13])
  assert.deepEqual(apis.get(18), [0, 3])
})
