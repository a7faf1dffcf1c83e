import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mqtt, { type MqttClient } from 'mqtt'
import type { Packet } from 'mqtt-packet'
import { uniqueTopic } from '../helpers/broker.js'
import { kafkaChainFile } from '../helpers/chain-file.js'
import { startCli, type RunningCli } from '../helpers/cli.js'
import { kcatConsume } from '../helpers/kcat.js'
import { mqttDevicesFile } from '../helpers/mqtt-devices.js'
import { rawMqtt5 } from '../helpers/raw-mqtt.js'
import { restartableDevBroker, type Restartable } from '../helpers/restartable-broker.js'

const CLIENTS = 4
// Publishes each client keeps unacknowledged at once, so that the kill falls among some in flight.
const IN_FLIGHT = 8
// PUBACKs to wait for before the kill.
const ACKED_BEFORE_KILL = 200

/** A chain whose Kafka node points at `broker` and retries until it is back. */
function chainFor(broker: Restartable, topic: string): string {
  return kafkaChainFile({
    topicPattern: topic,
    bootstrapServers: broker.bootstrap,
    retries: 2147483647,
    otherProperties: {
      // A retry after a lost answer is not a second record, so duplicates can be counted exactly.
      'enable.idempotence': 'true',
      'retry.backoff.ms': '50',
      'request.timeout.ms': '1000',
      'delivery.timeout.ms': '600000'
    }
  })
}

function startService(
  t: TestContext,
  chain: string,
  devices: string,
  spoolDir: string,
  extra: string[] = []
): RunningCli {
  const cli = startCli(['run', chain, '--mqtt', '0', '--devices', devices, '--spool', spoolDir, ...extra])
  cli.child.stdin.end()
  t.after(() => cli.child.kill('SIGKILL'))
  return cli
}

/**
 * Starts the service on the same spool with the broker up: the messages the spool held are
 * replayed before it listens, and SIGTERM delivers everything in the chain before it exits.
 * Resolves with the `{"n": ...}` values read back from the topic by kcat.
 */
async function drain(
  t: TestContext,
  broker: Restartable,
  chain: string,
  devices: string,
  spoolDir: string,
  topic: string
): Promise<{ read: string[]; replayed: number }> {
  await broker.start()
  const again = startService(t, chain, devices, spoolDir, ['--log-level', 'info'])
  await again.mqtt()
  again.child.kill('SIGTERM')
  const result = await again.exited
  assert.equal(result.code, 0, result.stderr)
  const relations = result.stdout
    .trimEnd()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as { relation: string }).relation)
  assert.deepEqual(
    relations.filter((relation) => relation !== 'Success'),
    [],
    'every replayed message left on Success'
  )
  const replayed = Number(/spool: replayed (\d+) message/.exec(result.stderr)?.[1] ?? 0)
  const read = (await kcatConsume(broker.bootstrap, topic, 'all', '%s')).map((value) =>
    String((JSON.parse(value) as { n: string }).n)
  )
  return { read, replayed }
}

test(`MQTT with --spool, Kafka down: every PUBACKed QoS 1 message survives a SIGKILL and reaches the topic once the broker is back [development broker]`, async (t) => {
  const broker = await restartableDevBroker(t)
  await broker.stop()
  const topic = uniqueTopic('mqtt-spool-kill')
  const chain = chainFor(broker, topic)
  const devices = mqttDevicesFile()
  const spoolDir = mkdtempSync(join(tmpdir(), 'krn-mqtt-spool-'))
  const cli = startService(t, chain, devices, spoolDir, ['--log-level', 'error'])
  const { port } = await cli.mqtt()
  const clients: MqttClient[] = await Promise.all(
    Array.from({ length: CLIENTS }, (_, c) =>
      mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
        username: c % 2 === 0 ? 'tok-t1' : 'tok-m7',
        protocolVersion: c < CLIENTS / 2 ? 4 : 5,
        reconnectPeriod: 0
      })
    )
  )
  t.after(() => Promise.all(clients.map((client) => client.endAsync(true))))
  const acked = new Set<string>()
  let sent = 0
  let killed = false
  // Each lane publishes its next message as soon as its last is acknowledged, until the kill.
  const lane = async (client: MqttClient, c: number, l: number): Promise<void> => {
    for (let k = 0; !killed; k++) {
      const n = `${c}-${l}-${k}`
      sent++
      try {
        await client.publishAsync('v1/devices/me/telemetry', JSON.stringify({ n }), { qos: 1 })
      } catch {
        return // the connection went with the process: not acknowledged, not counted
      }
      if (!killed) acked.add(n)
    }
  }
  for (const [c, client] of clients.entries()) {
    for (let l = 0; l < IN_FLIGHT; l++) void lane(client, c, l)
  }
  while (acked.size < ACKED_BEFORE_KILL) await new Promise((resolve) => setTimeout(resolve, 5))
  // An acknowledgement read after this point may have been sent before the kill: it counts too.
  cli.child.kill('SIGKILL')
  const result = await cli.exited
  assert.equal(result.signal, 'SIGKILL')
  await new Promise((resolve) => setTimeout(resolve, 200))
  killed = true
  const ackedAtKill = new Set(acked)

  const { read, replayed } = await drain(t, broker, chain, devices, spoolDir, topic)
  const inTopic = new Set(read)
  const missing = [...ackedAtKill].filter((n) => !inTopic.has(n))
  t.diagnostic(
    `published: ${sent}; PUBACKed before the kill: ${ackedAtKill.size}; replayed: ${replayed}; ` +
      `records read back: ${read.length} (${inTopic.size} distinct); duplicates: ${read.length - inTopic.size}; ` +
      `in the topic but never acknowledged (killed before the PUBACK went out): ${[...inTopic].filter((n) => !ackedAtKill.has(n)).length}`
  )
  assert.ok(ackedAtKill.size >= ACKED_BEFORE_KILL)
  assert.deepEqual(missing, [], 'every PUBACKed message is in the topic')
  // Kafka was down the whole time: nothing was delivered before the kill, so each spooled message
  // was replayed once and is in the topic once.
  assert.equal(read.length, inTopic.size, 'no duplicates')
  assert.equal(replayed, read.length, 'what is in the topic is what the spool replayed')
})

test('MQTT 5 with a full spool: the PUBLISH is not acknowledged, the connection ends with DISCONNECT 0x89 (server busy), and what was PUBACKed survives a SIGKILL [development broker]', async (t) => {
  const broker = await restartableDevBroker(t)
  await broker.stop()
  const topic = uniqueTopic('mqtt-spool-full')
  const chain = chainFor(broker, topic)
  const devices = mqttDevicesFile()
  const spoolDir = mkdtempSync(join(tmpdir(), 'krn-mqtt-spool-full-'))
  const cli = startService(t, chain, devices, spoolDir, [
    '--spool-max-bytes',
    '4096',
    '--spool-segment-bytes',
    '2048',
    '--log-level',
    'warn'
  ])
  const { port } = await cli.mqtt()
  const raw = rawMqtt5(port, 'tok-t1')
  t.after(() => raw.socket.destroy())
  const connack = await raw.next(1)
  assert.equal(connack.cmd, 'connack')
  // One publish at a time, each answered before the next, until one is answered otherwise.
  const acked: string[] = []
  let answer: Packet = connack
  for (let messageId = 1; messageId < 100; messageId++) {
    raw.send({
      cmd: 'publish',
      topic: 'v1/devices/me/telemetry',
      payload: JSON.stringify({ n: String(messageId), pad: 'x'.repeat(100) }),
      qos: 1,
      dup: false,
      retain: false,
      messageId
    })
    answer = await raw.next(messageId + 1)
    if (answer.cmd !== 'puback') break
    assert.equal(answer.messageId, messageId)
    acked.push(String(messageId))
  }
  assert.equal(answer.cmd, 'disconnect', `after ${acked.length} PUBACKs`)
  if (answer.cmd === 'disconnect') assert.equal(answer.reasonCode, 0x89)
  await raw.closed
  const refused = String(acked.length + 1)
  assert.deepEqual(
    raw.received.filter((packet) => packet.cmd === 'puback').map((packet) => packet.messageId),
    acked.map(Number),
    `no PUBACK for the refused message ${refused}`
  )
  assert.ok(acked.length > 0, 'the spool took messages until it was full')

  cli.child.kill('SIGKILL')
  await cli.exited
  const { read } = await drain(t, broker, chain, devices, spoolDir, topic)
  const byNumber = (a: string, b: string): number => Number(a) - Number(b)
  assert.deepEqual(
    read.sort(byNumber),
    acked,
    'exactly the PUBACKed messages, once each, and not the refused one'
  )
})
