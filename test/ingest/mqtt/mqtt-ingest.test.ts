import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as delay } from 'node:timers/promises'
import mqtt from 'mqtt'
import { createStreamLogger } from '../../../src/engine/logger.js'
import type { Accept } from '../../../src/ingest/acceptance.js'
import { parseDevices } from '../../../src/ingest/devices.js'
import { MqttIngest } from '../../../src/ingest/mqtt/mqtt-ingest.js'
import type { TbMsg } from '../../../src/msg/message.js'
import { MQTT_DEVICES } from '../../helpers/mqtt-devices.js'
import { rawMqtt5 } from '../../helpers/raw-mqtt.js'

const devices = parseDevices(MQTT_DEVICES)

/** An acceptance hook the test opens and closes, recording what it was handed. */
function gate() {
  const taken: TbMsg[] = []
  let open = true
  let waiting: (() => void)[] = []
  const accept: Accept = (msgs) => {
    taken.push(...msgs)
    if (open) return undefined
    return new Promise<void>((resolve) => waiting.push(resolve))
  }
  return {
    accept,
    taken,
    close: () => void (open = false),
    open: () => {
      open = true
      for (const resolve of waiting) resolve()
      waiting = []
    }
  }
}

async function front(t: TestContext, accept: Accept, logged: string[] = []) {
  const logger = createStreamLogger({ level: 'debug', stream: { write: (line) => logged.push(line) } })
  const ingest = new MqttIngest({ accept, devices, logger })
  const { port } = await ingest.listen(0)
  t.after(() => ingest.close(100))
  return { ingest, url: `mqtt://127.0.0.1:${port}`, port }
}

test('a QoS 1 PUBACK waits for the acceptance; meanwhile the connection is not read, and nothing is dropped', async (t) => {
  const hook = gate()
  const { url } = await front(t, hook.accept)
  const client = await mqtt.connectAsync(url, { username: 'tok-t1', protocolVersion: 5 })
  t.after(() => client.endAsync(true))
  hook.close()
  let acked = false
  const first = client
    .publishAsync('v1/devices/me/telemetry', '{"n":0}', { qos: 1 })
    .then(() => (acked = true))
  while (hook.taken.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
  // 4.5 MB more behind it: far more than one socket read, so the pause must hold them back.
  const rest: Promise<unknown>[] = []
  for (let n = 1; n <= 900; n++) {
    rest.push(
      client.publishAsync('v1/devices/me/telemetry', `{"n":${n},"pad":"${'x'.repeat(5000)}"}`, { qos: 0 })
    )
  }
  await new Promise((resolve) => setTimeout(resolve, 200))
  assert.equal(acked, false, 'no PUBACK before the acceptance')
  assert.equal(hook.taken.length, 1, 'nothing more handed over while the first waits')
  // Not read either: past what the kernel's socket buffers hold, the rest waits in the client.
  const unsent = (client.stream as unknown as { writableLength: number }).writableLength
  assert.ok(unsent > 2_000_000, `the client still holds ${unsent} bytes`)
  hook.open()
  await first
  await Promise.all(rest)
  while (hook.taken.length < 901) await new Promise((resolve) => setTimeout(resolve, 5))
  assert.deepEqual(
    hook.taken.map((msg) => (JSON.parse(msg.data) as { n: number }).n),
    Array.from({ length: 901 }, (_, n) => n)
  )
})

test('MQTT 5: CONNACK says QoS 1 at most and assigns a client id; SUBSCRIBE is refused per topic; QoS 2 ends with DISCONNECT 0x9B', async (t) => {
  const hook = gate()
  const { port } = await front(t, hook.accept)
  const raw = rawMqtt5(port, 'tok-t1')
  t.after(() => raw.socket.destroy())
  const connack = await raw.next(1)
  assert.equal(connack.cmd, 'connack')
  if (connack.cmd !== 'connack') return
  assert.equal(connack.reasonCode, 0)
  assert.equal(connack.properties?.maximumQoS, 1)
  assert.match(connack.properties?.assignedClientIdentifier ?? '', /^[0-9a-f-]{36}$/)
  raw.send({ cmd: 'subscribe', messageId: 7, subscriptions: [{ topic: 'v1/devices/me/attributes', qos: 1 }] })
  const suback = await raw.next(2)
  assert.equal(suback.cmd, 'suback')
  assert.equal(suback.messageId, 7)
  if (suback.cmd === 'suback') assert.deepEqual(suback.granted, [0x80])
  raw.send({
    cmd: 'publish',
    topic: 'v1/devices/me/telemetry',
    payload: '{}',
    qos: 2,
    messageId: 8,
    dup: false,
    retain: false
  })
  const disconnect = await raw.next(3)
  assert.equal(disconnect.cmd, 'disconnect')
  if (disconnect.cmd === 'disconnect') assert.equal(disconnect.reasonCode, 0x9b)
  await raw.closed
  assert.equal(hook.taken.length, 0)
})

test('close() acknowledges the publish under way, then tells MQTT 5 clients the server is shutting down (0x8B)', async (t) => {
  const hook = gate()
  const logged: string[] = []
  const { ingest, port } = await front(t, hook.accept, logged)
  const raw = rawMqtt5(port, 'tok-m7')
  t.after(() => raw.socket.destroy())
  await raw.next(1)
  hook.close()
  raw.send({
    cmd: 'publish',
    topic: 'v1/devices/me/telemetry',
    payload: '{"a":1}',
    qos: 1,
    messageId: 3,
    dup: false,
    retain: false
  })
  while (hook.taken.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
  const closing = ingest.close(5000)
  setTimeout(() => hook.open(), 50)
  await closing
  const puback = await raw.next(2)
  assert.equal(puback.cmd, 'puback')
  assert.equal(puback.messageId, 3)
  const disconnect = await raw.next(3)
  assert.equal(disconnect.cmd, 'disconnect')
  if (disconnect.cmd === 'disconnect') assert.equal(disconnect.reasonCode, 0x8b)
  await raw.closed
  // The server's side of the socket may close a moment after the client's.
  for (let i = 0; i < 100 && ingest.connections > 0; i++) await delay(10)
  assert.equal(ingest.connections, 0)
})

test('an unknown token is refused and no log line holds a token', async (t) => {
  const logged: string[] = []
  const hook = gate()
  const { url } = await front(t, hook.accept, logged)
  await assert.rejects(
    mqtt.connectAsync(url, { username: 'secret-nope', protocolVersion: 4, reconnectPeriod: 0 }),
    { code: 5 }
  )
  const client = await mqtt.connectAsync(url, { username: 'tok-t1', protocolVersion: 4 })
  await client.publishAsync('v1/devices/me/telemetry', 'nope', { qos: 1 })
  await client.endAsync()
  assert.ok(logged.length >= 2)
  for (const line of logged) {
    for (const token of ['secret-nope', 'tok-t1']) assert.ok(!line.includes(token), line)
  }
  assert.ok(
    logged.some((line) => line.includes('device "T1" on "v1/devices/me/telemetry": payload is not JSON'))
  )
})

test('a client silent for one and a half keep-alive periods is told 0x8D (MQTT 5) and disconnected', async (t) => {
  const hook = gate()
  const { ingest, port } = await front(t, hook.accept)
  const raw = rawMqtt5(port, 'tok-t1', 1)
  t.after(() => raw.socket.destroy())
  assert.equal((await raw.next(1)).cmd, 'connack')
  const disconnect = await raw.next(2)
  assert.equal(disconnect.cmd, 'disconnect')
  if (disconnect.cmd === 'disconnect') assert.equal(disconnect.reasonCode, 0x8d)
  await raw.closed
  // The server's side of the socket may close a moment after the client's.
  for (let i = 0; i < 100 && ingest.connections > 0; i++) await delay(10)
  assert.equal(ingest.connections, 0)
})
