import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mqtt, { type MqttClient } from 'mqtt'
import { startBroker, type Broker } from '../../src/broker/index.js'
import { uniqueTopic } from '../helpers/broker.js'
import { kafkaChainFile } from '../helpers/chain-file.js'
import { startCli } from '../helpers/cli.js'
import { mqttDevicesFile } from '../helpers/mqtt-devices.js'

const CONNECTIONS = 1000
const ROUNDS = 4

test(`${CONNECTIONS} MQTT connections publish QoS 1 while the Kafka broker is killed and restarted: every PUBACKed message leaves the chain on Success or Failure, none lost`, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'krn-mqtt-restart-'))
  let broker: Broker = await startBroker({ port: 0, dataDir, partitions: 2 })
  t.after(() => broker.close())
  const port = broker.port
  const topic = uniqueTopic('mqtt-restart')
  const chain = kafkaChainFile({
    topicPattern: topic,
    linger: 5,
    retries: 100,
    bootstrapServers: `127.0.0.1:${port}`,
    otherProperties: {
      'retry.backoff.ms': '50',
      'request.timeout.ms': '2000',
      'delivery.timeout.ms': '30000'
    }
  })
  const cli = startCli(['run', chain, '--mqtt', '0', '--devices', mqttDevicesFile(), '--log-level', 'error'])
  t.after(() => cli.child.kill('SIGKILL'))
  cli.child.stdin.end()
  const { port: mqttPort } = await cli.mqtt()
  const clients: MqttClient[] = await Promise.all(
    Array.from({ length: CONNECTIONS }, () =>
      mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, {
        username: 'tok-t1',
        protocolVersion: 4,
        reconnectPeriod: 0,
        connectTimeout: 60_000
      })
    )
  )
  t.after(() => Promise.all(clients.map((client) => client.endAsync(true))))
  const acked = new Set<string>()
  const round = (r: number) =>
    Promise.all(
      clients.map(async (client, c) => {
        const data = `{"c":${c},"r":${r}}`
        await client.publishAsync('v1/devices/me/telemetry', data, { qos: 1 })
        acked.add(data)
      })
    )
  const stored = (): number => broker.highWatermark(topic, 0) + broker.highWatermark(topic, 1)
  await round(0)
  // Kill while records flow: some are stored, the next round is on its way.
  while (stored() <= 0) await new Promise((resolve) => setTimeout(resolve, 10))
  const next = round(1)
  const storedBeforeKill = stored()
  await broker.close()
  const restarted = new Promise<void>((resolve) =>
    setTimeout(() => {
      void startBroker({ port, dataDir, partitions: 2 }).then((again) => {
        broker = again
        resolve()
      })
    }, 500)
  )
  await next
  for (let r = 2; r < ROUNDS; r++) await round(r)
  await restarted
  assert.equal(acked.size, CONNECTIONS * ROUNDS)
  cli.child.kill('SIGTERM')
  const result = await cli.exited
  assert.equal(result.code, 0, result.stderr)
  const out = result.stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as { relation: string; msg: { data: string } })
  const left = new Map<string, string[]>()
  for (const line of out) left.set(line.msg.data, [...(left.get(line.msg.data) ?? []), line.relation])
  t.diagnostic(`records stored before the kill: ${storedBeforeKill}`)
  assert.ok(storedBeforeKill > 0 && storedBeforeKill < CONNECTIONS * ROUNDS)
  t.diagnostic(`on Failure: ${out.filter((line) => line.relation === 'Failure').length}`)
  assert.equal(out.length, CONNECTIONS * ROUNDS, 'one line per PUBACKed message')
  for (const data of acked) {
    const relations = left.get(data) ?? []
    assert.equal(relations.length, 1, `${data} left the chain once (${relations.join(', ')})`)
    assert.ok(['Success', 'Failure'].includes(relations[0] ?? ''), data)
  }
  // What left on Success is in the topic (a batch whose answer the kill lost may be there twice).
  const inTopic = new Set([0, 1].flatMap((p) => broker.records(topic, p).map((r) => r.value?.toString())))
  const succeeded = out.filter((line) => line.relation === 'Success').map((line) => line.msg.data)
  assert.deepEqual(
    succeeded.filter((data) => !inTopic.has(data)),
    []
  )
})
