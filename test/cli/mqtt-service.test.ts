import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { dirname, join } from 'node:path'
import mqtt from 'mqtt'
import { runCli, startCli, type RunningCli } from '../helpers/cli.js'
import { address, startTestBroker, uniqueTopic } from '../helpers/broker.js'
import { kafkaChainFile } from '../helpers/chain-file.js'
import { kcatConsume } from '../helpers/kcat.js'
import { MQTT_DEVICES, mosquittoPub, mqttDevicesFile } from '../helpers/mqtt-devices.js'
import { testCertificate } from '../helpers/tls.js'
import { uuidV5 } from '../../src/ingest/device-messages.js'

interface OutLine {
  relation: string
  msg: { type: string; originator: { id: string }; data: string; metadata: Record<string, string> }
}

const T1 = MQTT_DEVICES['tok-t1']
const M7 = MQTT_DEVICES['tok-m7']
// The id a gateway's device gets from its name (README: gateway devices).
const SENSOR_A_ID = uuidV5(Buffer.from('9c1d7f0e4b2a4e5f8a6b3c2d1e0f9a8b', 'hex'), 'Sensor A')

async function service(t: TestContext, extra: string[] = []) {
  const broker = await startTestBroker(t)
  const topic = uniqueTopic('mqtt')
  const chain = kafkaChainFile({
    topicPattern: topic,
    keyPattern: '${deviceName}',
    bootstrapServers: address(broker),
    addMetadataKeyValuesAsKafkaHeaders: true
  })
  const args = ['run', chain, '--mqtt', '0', '--devices', mqttDevicesFile(), '--log-level', 'warn', ...extra]
  const cli = startCli(args)
  t.after(() => cli.child.kill('SIGKILL'))
  cli.child.stdin.end()
  const { port } = await cli.mqtt()
  return { broker, topic, cli, port }
}

async function stopped(cli: RunningCli): Promise<OutLine[]> {
  cli.child.kill('SIGTERM')
  const result = await cli.exited
  assert.equal(result.code, 0, result.stderr)
  return result.stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as OutLine)
}

/** Kafka's view (kcat): "key|data|deviceName,deviceType,ts" per record, sorted. */
async function readTopic(bootstrap: string, topic: string): Promise<string[]> {
  const lines = await kcatConsume(bootstrap, topic, 'all', '%k|%s|%h')
  return lines
    .map((line) => {
      const [key, data, headers = ''] = line.split('|')
      const h = Object.fromEntries(headers.split(',').map((kv) => kv.split('=') as [string, string]))
      return `${key}|${data}|${h.tb_msg_md_deviceName},${h.tb_msg_md_deviceType},${h.tb_msg_md_ts}`
    })
    .sort()
}

test('run --mqtt: mosquitto_pub and the mqtt client, MQTT 3.1.1 and 5, QoS 0 and 1, device and gateway topics, end in Kafka with their exact values (kcat)', async (t) => {
  const { broker, topic, cli, port } = await service(t, ['--http', '0'])
  const { base } = await cli.http()
  const before = Date.now()
  const pub = (args: string[]) => mosquittoPub(port, args)
  for (const [version, qos, data] of [
    ['mqttv311', '0', '{"src":"mosquitto","v":311,"qos":0}'],
    ['mqttv311', '1', '{"src":"mosquitto","v":311,"qos":1}'],
    ['mqttv5', '0', '{"ts":1700000000001,"values":{"src":"mosquitto","v":5,"qos":0}}'],
    ['mqttv5', '1', '{"ts":1700000000002,"values":{"src":"mosquitto","v":5,"qos":1}}']
  ] as const) {
    const done = await pub([
      '-V',
      version,
      '-q',
      qos,
      '-u',
      'tok-t1',
      '-t',
      'v1/devices/me/telemetry',
      '-m',
      data
    ])
    assert.equal(done.status, 0, done.stderr)
  }
  const attrs = await pub([
    '-V',
    'mqttv5',
    '-q',
    '1',
    '-u',
    'tok-m7',
    '-t',
    'v1/devices/me/attributes',
    '-m',
    '{"fw":"1.0"}'
  ])
  assert.equal(attrs.status, 0, attrs.stderr)

  const v4 = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { username: 'tok-m7', protocolVersion: 4 })
  await v4.publishAsync(
    'v1/devices/me/telemetry',
    '[{"ts":1700000000003,"values":{"n":1}},{"ts":1700000000004,"values":{"n":2}}]',
    { qos: 1 }
  )
  await v4.publishAsync('v1/devices/me/attributes', '{"mode":"eco"}', { qos: 0 })
  // MQTT 3.1.1 cannot say why a payload is refused: it is acknowledged, logged and counted.
  await v4.publishAsync('v1/devices/me/telemetry', '{"broken":', { qos: 1 })
  await v4.endAsync()

  const gw = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { username: 'tok-gw', protocolVersion: 5 })
  await gw.publishAsync(
    'v1/gateway/telemetry',
    '{"Sensor A":[{"ts":1700000000005,"values":{"t":20}}],"T1":[{"ts":1700000000006,"values":{"t":21}}]}',
    { qos: 1 }
  )
  await gw.publishAsync('v1/gateway/attributes', '{"Sensor A":{"model":"x1"}}', { qos: 1 })
  await assert.rejects(gw.publishAsync('v1/gateway/telemetry', '{"Sensor A":5}', { qos: 1 }), {
    code: 0x99,
    message: /Payload format invalid/
  })
  await gw.endAsync()

  // MQTT 5 says why in the PUBACK: a device that is not a gateway, a topic the API does not have.
  const v5 = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { username: 'tok-t1', protocolVersion: 5 })
  await assert.rejects(v5.publishAsync('v1/gateway/telemetry', '{"X":{"a":1}}', { qos: 1 }), { code: 0x87 })
  await assert.rejects(v5.publishAsync('v1/devices/me/rpc/request/1', '{}', { qos: 1 }), { code: 0x90 })
  await v5.endAsync()

  // A wrong token is refused in CONNACK: "not authorised" (3.1.1 code 5, MQTT 5 reason 0x87).
  const refused = await pub(['-V', 'mqttv311', '-u', 'nope', '-t', 'v1/devices/me/telemetry', '-m', '{}'])
  assert.notEqual(refused.status, 0)
  assert.match(refused.stderr, /not authori[sz]ed/i)
  await assert.rejects(
    mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
      username: 'nope',
      protocolVersion: 5,
      reconnectPeriod: 0
    }),
    { code: 0x87 }
  )
  await assert.rejects(
    mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
      username: 'nope',
      protocolVersion: 4,
      reconnectPeriod: 0
    }),
    { code: 5 }
  )

  const metrics = (await (await fetch(`${base}/metrics`)).text())
    .split('\n')
    .filter((line) => /^krn_(mqtt|invalid|messages_in)/.test(line))
    .join('\n')
  assert.match(metrics, /^krn_mqtt_messages_in_total\{topic="v1\/devices\/me\/telemetry"\} 6$/m)
  assert.match(metrics, /^krn_mqtt_messages_in_total\{topic="v1\/devices\/me\/attributes"\} 2$/m)
  assert.match(metrics, /^krn_mqtt_messages_in_total\{topic="v1\/gateway\/telemetry"\} 3$/m)
  assert.match(metrics, /^krn_mqtt_messages_in_total\{topic="v1\/gateway\/attributes"\} 1$/m)
  assert.match(metrics, /^krn_mqtt_messages_in_total\{topic="other"\} 1$/m)
  assert.match(metrics, /^krn_mqtt_refused_connects_total\{reason="not authorized"\} 3$/m)
  assert.match(metrics, /^krn_invalid_payloads_total\{front="mqtt"\} 2$/m)
  assert.match(metrics, /^krn_mqtt_connections 0$/m)
  assert.match(metrics, /^krn_messages_in_total 11$/m)

  const out = await stopped(cli)
  assert.deepEqual(
    out.map((o) => o.relation),
    out.map(() => 'Success')
  )
  const after = Date.now()
  // A post without a ts of its own gets the time it was taken in.
  const tsOf = (data: string): string => {
    const ts = out.find((o) => o.msg.data === data)?.msg.metadata.ts
    assert.ok(ts !== undefined && Number(ts) >= before && Number(ts) <= after, `${data}: ts ${ts}`)
    return ts
  }
  assert.deepEqual(
    out.map((o) => [o.msg.type, o.msg.originator.id]).sort(),
    [
      ['POST_ATTRIBUTES_REQUEST', M7.id],
      ['POST_ATTRIBUTES_REQUEST', M7.id],
      ['POST_ATTRIBUTES_REQUEST', SENSOR_A_ID],
      ['POST_TELEMETRY_REQUEST', M7.id],
      ['POST_TELEMETRY_REQUEST', M7.id],
      ['POST_TELEMETRY_REQUEST', SENSOR_A_ID],
      ['POST_TELEMETRY_REQUEST', T1.id],
      ['POST_TELEMETRY_REQUEST', T1.id],
      ['POST_TELEMETRY_REQUEST', T1.id],
      ['POST_TELEMETRY_REQUEST', T1.id],
      ['POST_TELEMETRY_REQUEST', T1.id]
    ].sort()
  )
  assert.deepEqual(
    await readTopic(address(broker), topic),
    [
      `M7|{"fw":"1.0"}|M7,meter,${tsOf('{"fw":"1.0"}')}`,
      `M7|{"mode":"eco"}|M7,meter,${tsOf('{"mode":"eco"}')}`,
      `M7|{"n":1}|M7,meter,1700000000003`,
      `M7|{"n":2}|M7,meter,1700000000004`,
      `Sensor A|{"model":"x1"}|Sensor A,default,${tsOf('{"model":"x1"}')}`,
      `Sensor A|{"t":20}|Sensor A,default,1700000000005`,
      `T1|{"src":"mosquitto","v":311,"qos":0}|T1,thermostat,${tsOf('{"src":"mosquitto","v":311,"qos":0}')}`,
      `T1|{"src":"mosquitto","v":311,"qos":1}|T1,thermostat,${tsOf('{"src":"mosquitto","v":311,"qos":1}')}`,
      `T1|{"src":"mosquitto","v":5,"qos":0}|T1,thermostat,1700000000001`,
      `T1|{"src":"mosquitto","v":5,"qos":1}|T1,thermostat,1700000000002`,
      `T1|{"t":21}|T1,thermostat,1700000000006`
    ].sort()
  )
})

test('run --mqtt with --mqtt-tls-cert/--mqtt-tls-key: mosquitto_pub and the mqtt client publish over TLS (MQTT 3.1.1 and 5) into Kafka', async (t) => {
  const certificate = testCertificate()
  const keyPath = join(dirname(certificate.certPath), 'key.pem')
  const { broker, topic, cli, port } = await service(t, [
    '--mqtt-tls-cert',
    certificate.certPath,
    '--mqtt-tls-key',
    keyPath
  ])
  assert.match(cli.stderr(), /mqtt: listening on 127\.0\.0\.1:\d+ \(TLS\)\n/)
  const sent = await mosquittoPub(port, [
    '--cafile',
    certificate.certPath,
    '-V',
    'mqttv311',
    '-q',
    '1',
    '-u',
    'tok-t1',
    '-t',
    'v1/devices/me/telemetry',
    '-m',
    '{"ts":1700000000010,"values":{"tls":"mosquitto"}}'
  ])
  assert.equal(sent.status, 0, sent.stderr)
  const client = await mqtt.connectAsync(`mqtts://127.0.0.1:${port}`, {
    username: 'tok-m7',
    protocolVersion: 5,
    ca: certificate.cert
  })
  await client.publishAsync('v1/devices/me/telemetry', '{"ts":1700000000011,"values":{"tls":"mqtt.js"}}', {
    qos: 1
  })
  await client.endAsync()
  const out = await stopped(cli)
  assert.deepEqual(
    out.map((o) => o.relation),
    ['Success', 'Success']
  )
  assert.deepEqual(await readTopic(address(broker), topic), [
    'M7|{"tls":"mqtt.js"}|M7,meter,1700000000011',
    'T1|{"tls":"mosquitto"}|T1,thermostat,1700000000010'
  ])
})

test('run --mqtt: a missing --devices or a lone TLS option is a usage error (2); an unreadable TLS file exits 1 naming it', async () => {
  const noDevices = await runCli(['run', 'examples/switch-log.json', '--mqtt', '0'])
  assert.equal(noDevices.code, 2)
  assert.match(noDevices.stderr, /^kafka-rule-node: --mqtt needs --devices FILE \(access token -> device\)\n/)
  const lone = await runCli(['run', 'examples/switch-log.json', '--mqtt-tls-cert', 'cert.pem'])
  assert.equal(lone.code, 2)
  assert.match(lone.stderr, /^kafka-rule-node: --mqtt-tls-cert and --mqtt-tls-key need --mqtt PORT\n/)
  const half = await runCli([
    'run',
    'examples/switch-log.json',
    '--mqtt',
    '0',
    '--devices',
    mqttDevicesFile(),
    '--mqtt-tls-cert',
    'cert.pem'
  ])
  assert.equal(half.code, 2)
  assert.match(
    half.stderr,
    /^kafka-rule-node: --mqtt-tls-cert and --mqtt-tls-key go together, with --mqtt PORT\n/
  )
  const missing = await runCli([
    'run',
    'examples/switch-log.json',
    '--mqtt',
    '0',
    '--devices',
    mqttDevicesFile(),
    '--mqtt-tls-cert',
    '/nonexistent/cert.pem',
    '--mqtt-tls-key',
    '/nonexistent/key.pem'
  ])
  assert.equal(missing.code, 1)
  assert.match(
    missing.stderr,
    /^kafka-rule-node: ConfigError: cannot read the MQTT TLS certificate \/nonexistent\/cert\.pem: ENOENT/
  )
})
