import { mock, test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { loadChain, type ChainExit } from '../../src/engine/chain.js'
import { createStreamLogger, silentLogger, type Logger } from '../../src/engine/logger.js'
import { parseDevices } from '../../src/ingest/devices.js'
import { HttpIngest } from '../../src/ingest/http-ingest.js'
import { ServiceMetrics } from '../../src/service/metrics.js'
import { connect } from 'node:net'
import { chainExport, testRegistry } from '../helpers/test-nodes.js'

const SWITCH = 'org.thingsboard.rule.engine.filter.TbMsgTypeSwitchNode'
const LOG = 'org.thingsboard.rule.engine.action.TbLogNode'
const devices = parseDevices({
  'token-t1': { name: 'T1', type: 'thermostat', id: '6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0' },
  'token-m7': { name: 'M7', type: 'meter', id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d' }
})

interface TestNode {
  type: string
  name: string
  configuration?: unknown
}

/** Turns the event loop (real time, not mocked timers) until `done()`. */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setImmediate(resolve))
}

async function service(
  t: TestContext,
  nodes: TestNode[] = [
    { type: SWITCH, name: 'Switch' },
    { type: LOG, name: 'Log' }
  ],
  logger: Logger = silentLogger
) {
  const exits: ChainExit[] = []
  const metrics = new ServiceMetrics()
  const chain = await loadChain(
    chainExport(nodes, nodes.length > 1 ? [[0, 1, 'Post telemetry']] : []),
    testRegistry(),
    {
      onExit: (e) => exits.push(e),
      metricsFor: (node) => metrics.forNode(node)
    }
  )
  metrics.attachChain(chain)
  const ingest = new HttpIngest({ chain, devices, logger, metrics })
  const address = await ingest.listen(0)
  t.after(async () => {
    await ingest.close()
    await chain.destroy()
  })
  const url = (path: string) => `http://127.0.0.1:${address.port}${path}`
  return { chain, exits, metrics, url }
}

test('telemetry and attributes become messages with the device as originator and its metadata', async (t) => {
  const { chain, exits, url } = await service(t)
  const before = Date.now()
  const telemetry = await fetch(url('/api/v1/token-t1/telemetry'), {
    method: 'POST',
    body: '{"temperature": 21.50}'
  })
  assert.equal(telemetry.status, 200)
  const attributes = await fetch(url('/api/v1/token-m7/attributes'), { method: 'POST', body: '{"fw":"1.0"}' })
  assert.equal(attributes.status, 200)
  await chain.drain()
  assert.equal(exits.length, 2)
  const [first, second] = exits
  assert.equal(first?.relation, 'Success')
  assert.equal(first?.node, 'Log')
  assert.equal(first?.msg.type, 'POST_TELEMETRY_REQUEST')
  assert.deepEqual(first?.msg.originator, {
    entityType: 'DEVICE',
    id: '6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0'
  })
  assert.equal(first?.msg.data, '{"temperature": 21.50}')
  const ts = Number(first?.msg.metadata.ts)
  assert.ok(ts >= before && ts <= Date.now())
  assert.deepEqual(first?.msg.metadata, { deviceName: 'T1', deviceType: 'thermostat', ts: String(ts) })
  assert.equal(first?.msg.ts, ts)
  assert.equal(second?.relation, 'Post attributes')
  assert.equal(second?.msg.type, 'POST_ATTRIBUTES_REQUEST')
  assert.deepEqual(second?.msg.originator, {
    entityType: 'DEVICE',
    id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d'
  })
  assert.equal(second?.msg.metadata.deviceName, 'M7')
})

test('an unknown token is 401, a body that is not JSON is 400 with the reason, nothing enters the chain', async (t) => {
  const { chain, url } = await service(t)
  const unknown = await fetch(url('/api/v1/nope/telemetry'), { method: 'POST', body: '{}' })
  assert.equal(unknown.status, 401)
  assert.deepEqual(await unknown.json(), { error: 'unknown device access token' })
  const bad = await fetch(url('/api/v1/token-t1/telemetry'), { method: 'POST', body: '{"t":' })
  assert.equal(bad.status, 400)
  assert.match(((await bad.json()) as { error: string }).error, /^body is not JSON: /)
  const scalar = await fetch(url('/api/v1/token-t1/telemetry'), { method: 'POST', body: '5' })
  assert.equal(scalar.status, 400)
  assert.deepEqual(await scalar.json(), { error: 'body must be a JSON object or array' })
  const big = await fetch(url('/api/v1/token-t1/telemetry'), {
    method: 'POST',
    body: `{"a":"${'x'.repeat(1 << 20)}"}`
  })
  assert.equal(big.status, 413)
  const wrongMethod = await fetch(url('/api/v1/token-t1/telemetry'))
  assert.equal(wrongMethod.status, 405)
  const missing = await fetch(url('/api/v2/x'))
  assert.equal(missing.status, 404)
  assert.equal(chain.entered, 0)
})

test('a broken %-escape in the token is 400 with the reason, and no log line on any path holds a token', async (t) => {
  const logged: string[] = []
  const logger = createStreamLogger({ level: 'debug', stream: { write: (line) => logged.push(line) } })
  const { chain, url } = await service(t, undefined, logger)
  const broken = await fetch(url('/api/v1/tok%E0%A4en-t1/telemetry'), { method: 'POST', body: '{}' })
  assert.equal(broken.status, 400)
  assert.deepEqual(await broken.json(), {
    error: 'the access token in the path is not valid percent-encoding (RFC 3986)'
  })
  const unknown = await fetch(url('/api/v1/secret-nope/telemetry'), { method: 'POST', body: '{}' })
  assert.equal(unknown.status, 401)
  const bad = await fetch(url('/api/v1/token-t1/telemetry'), { method: 'POST', body: '{"t":' })
  assert.equal(bad.status, 400)
  // A client that goes away in the middle of its body fails the request on the server side.
  const address = new URL(url('/')).port
  await new Promise<void>((resolve, reject) => {
    const socket = connect(Number(address), '127.0.0.1', () => {
      socket.write('POST /api/v1/token-m7/telemetry HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{"a":')
      setTimeout(() => socket.destroy(), 50)
    })
    socket.on('close', () => resolve())
    socket.on('error', reject)
  })
  await until(() => logged.length > 0)
  assert.deepEqual(logged, ['WARN HTTP POST /api/v1/{token}/telemetry failed: Error: aborted\n'])
  for (const line of logged) {
    for (const token of ['tok%E0', 'secret-nope', 'token-t1', 'token-m7'])
      assert.ok(!line.includes(token), line)
  }
  assert.equal(chain.entered, 0)
})

test('metrics count messages in, out per relation and per node, in Prometheus text', async (t) => {
  const { chain, url } = await service(t)
  for (const token of ['token-t1', 'token-m7', 'token-t1']) {
    assert.equal(
      (await fetch(url(`/api/v1/${token}/telemetry`), { method: 'POST', body: '{"v":1}' })).status,
      200
    )
  }
  assert.equal(
    (await fetch(url('/api/v1/token-t1/attributes'), { method: 'POST', body: '{"v":1}' })).status,
    200
  )
  await chain.drain()
  const response = await fetch(url('/metrics'))
  assert.equal(response.status, 200)
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain/)
  const text = await response.text()
  const lines = text.split('\n').filter((l) => l.startsWith('krn_messages_') || l.startsWith('krn_node_'))
  assert.deepEqual(lines, [
    'krn_messages_in_total 4',
    'krn_messages_out_total{relation="Success"} 3',
    'krn_messages_out_total{relation="Post attributes"} 1',
    'krn_messages_in_flight 0',
    'krn_node_messages_in_total{node="Switch"} 4',
    'krn_node_messages_in_total{node="Log"} 3',
    'krn_node_messages_out_total{node="Switch",relation="Post telemetry"} 3',
    'krn_node_messages_out_total{node="Switch",relation="Post attributes"} 1',
    'krn_node_messages_out_total{node="Log",relation="Success"} 3'
  ])
  assert.match(text, /^krn_process_resident_memory_bytes \d+/m)
})

test('healthz is ok when no node reports trouble', async (t) => {
  const { url } = await service(t)
  const response = await fetch(url('/healthz'))
  assert.equal(response.status, 200)
  assert.equal(await response.text(), 'ok\n')
})

test('while a node makes the caller wait, new requests get 503 with Retry-After and are not taken in', async (t) => {
  const { chain, exits, url } = await service(t, [
    { type: 'test.slow-accept', name: 'Slow', configuration: { delayMs: 300 } }
  ])
  const post = (n: number) => fetch(url('/api/v1/token-t1/telemetry'), { method: 'POST', body: `{"n":${n}}` })
  // The node holds each message on a timer: on fake time it holds it until the test moves the
  // clock, so the second request surely comes while the first is held.
  mock.timers.enable({ apis: ['setTimeout'] })
  try {
    const first = post(1)
    await until(() => chain.entered === 1)
    const second = await post(2)
    assert.equal(second.status, 503)
    assert.equal(second.headers.get('retry-after'), '1')
    mock.timers.tick(300)
    assert.equal((await first).status, 200)
    const third = post(3)
    await until(() => chain.entered === 2)
    mock.timers.tick(300)
    assert.equal((await third).status, 200)
  } finally {
    mock.timers.reset()
  }
  await chain.drain()
  assert.deepEqual(
    exits.map((e) => [e.relation, e.msg.data]),
    [
      ['Success', '{"n":1}'],
      ['Success', '{"n":3}']
    ]
  )
})

test('telemetry in the timestamped form and arrays becomes one message per object with its ts; a bad form is 400 and counted', async (t) => {
  const { chain, exits, metrics, url } = await service(t)
  const before = Date.now()
  const posted = await fetch(url('/api/v1/token-t1/telemetry'), {
    method: 'POST',
    body: '[{"ts":1700000000000,"values":{"t":1}},{"t":2},{"ts":1700000000001,"values":{"t":3}}]'
  })
  assert.equal(posted.status, 200)
  await chain.drain()
  assert.deepEqual(
    exits.map((e) => [e.msg.type, e.msg.data, e.msg.metadata.ts]),
    [
      ['POST_TELEMETRY_REQUEST', '{"t":1}', '1700000000000'],
      ['POST_TELEMETRY_REQUEST', '{"t":2}', String(exits[1]?.msg.ts)],
      ['POST_TELEMETRY_REQUEST', '{"t":3}', '1700000000001']
    ]
  )
  assert.ok((exits[1]?.msg.ts ?? 0) >= before)
  const element = await fetch(url('/api/v1/token-t1/telemetry'), { method: 'POST', body: '[{"t":1},"x"]' })
  assert.equal(element.status, 400)
  assert.deepEqual(await element.json(), { error: 'body element 1: must be a JSON object' })
  const attributes = await fetch(url('/api/v1/token-t1/attributes'), { method: 'POST', body: '[{"a":1}]' })
  assert.equal(attributes.status, 400)
  assert.deepEqual(await attributes.json(), { error: 'body must be a JSON object' })
  assert.match(await metrics.text(), /^krn_invalid_payloads_total\{front="http"\} 2$/m)
  assert.equal(chain.entered, 3)
})
