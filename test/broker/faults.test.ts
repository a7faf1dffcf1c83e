import { test } from 'node:test'
import assert from 'node:assert/strict'
import { connect, type Socket } from 'node:net'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startBroker } from '../../src/broker/index.js'
import { address, startTestBroker, uniqueTopic } from '../helpers/broker.js'
import { runCommand } from '../helpers/process.js'
import { kcatConsume } from '../helpers/kcat.js'
import { seededRandom } from '../helpers/random.js'

// ApiVersions v0 request: size, api key 18, version 0, correlation id, client id "t".
function apiVersionsRequest(correlationId: number): Buffer {
  const body = Buffer.alloc(2 + 2 + 4 + 2 + 1)
  body.writeInt16BE(18, 0)
  body.writeInt16BE(0, 2)
  body.writeInt32BE(correlationId, 4)
  body.writeInt16BE(1, 8)
  body.write('t', 10)
  const frame = Buffer.alloc(4)
  frame.writeInt32BE(body.length)
  return Buffer.concat([frame, body])
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket))
    socket.on('error', reject)
  })
}

/** Sends bytes and resolves with the first complete response frame, or null when the broker closes. */
function exchange(socket: Socket, bytes: Buffer): Promise<Buffer | null> {
  return new Promise((resolve) => {
    let data = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk])
      if (data.length >= 4 && data.length >= 4 + data.readInt32BE(0))
        resolve(data.subarray(4, 4 + data.readInt32BE(0)))
    })
    socket.on('close', () => resolve(null))
    socket.on('error', () => resolve(null))
    socket.write(bytes)
  })
}

test('answers ApiVersions v0 with its table: correlation id kept, no error', async (t) => {
  const broker = await startTestBroker(t)
  const socket = await open(broker.port)
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

test('an unknown API key closes the connection without an answer, as Kafka does', async (t) => {
  const broker = await startTestBroker(t)
  const socket = await open(broker.port)
  t.after(() => socket.destroy())
  const request = apiVersionsRequest(7)
  request.writeInt16BE(999, 4)
  const closed = new Promise<boolean>((resolve) => socket.once('close', () => resolve(true)))
  const answers: Buffer[] = []
  socket.on('data', (chunk: Buffer) => answers.push(chunk))
  socket.write(request)
  assert.equal(await closed, true)
  assert.deepEqual(answers, [])
})

test('survives random, truncated and oversize frames; other connections go on', async (t) => {
  const broker = await startTestBroker(t, { maxRequestBytes: 1 << 20 })
  const random = seededRandom(11)
  const valid = apiVersionsRequest(1)
  for (let n = 0; n < 200; n++) {
    const socket = await open(broker.port)
    const kind = n % 4
    let bytes: Buffer
    if (kind === 0)
      bytes = Buffer.from(
        Array.from({ length: 1 + Math.floor(random() * 200) }, () => Math.floor(random() * 256))
      )
    else if (kind === 1) {
      // A well-framed request whose body is garbage.
      const body = Buffer.from(
        Array.from({ length: 8 + Math.floor(random() * 100) }, () => Math.floor(random() * 256))
      )
      const size = Buffer.alloc(4)
      size.writeInt32BE(body.length)
      bytes = Buffer.concat([size, body])
    } else if (kind === 2) {
      // A real request cut short inside its body, with its frame size fixed to match.
      const cut = valid.subarray(0, 4 + 8 + Math.floor(random() * 3))
      bytes = Buffer.from(cut)
      bytes.writeInt32BE(bytes.length - 4)
    } else {
      bytes = Buffer.alloc(8)
      bytes.writeInt32BE(2 ** 30)
    }
    socket.write(bytes)
    socket.destroy()
  }
  const socket = await open(broker.port)
  t.after(() => socket.destroy())
  const response = await exchange(socket, apiVersionsRequest(99))
  assert.equal(response?.readInt32BE(0), 99)
})

test('fault injection: refuse, close after N requests, failNext with an error code, delay, down and up', async (t) => {
  const broker = await startTestBroker(t, { partitions: 1 })
  const topic = uniqueTopic('faults')
  broker.faults.refuseConnections(true)
  const refused = await runCommand('kcat', ['-L', '-b', address(broker), '-m', '2'])
  assert.notEqual(refused.status, 0)
  broker.faults.clear()

  broker.faults.failNext('Produce', 87, 1) // INVALID_RECORD: not retriable for librdkafka
  const failed = await runCommand(
    'kcat',
    ['-P', '-b', address(broker), '-t', topic, '-X', 'message.timeout.ms=3000'],
    'x\n'
  )
  assert.notEqual(failed.status, 0)
  assert.equal(broker.highWatermark(topic, 0), 0)
  const ok = await runCommand('kcat', ['-P', '-b', address(broker), '-t', topic], 'y\n')
  assert.equal(ok.status, 0, ok.stderr)
  assert.deepEqual(
    broker.records(topic, 0).map((r) => [r.offset, r.value?.toString()]),
    [[0, 'y']]
  )

  broker.faults.closeAfter(1)
  const socket = await open(broker.port)
  const first = await exchange(socket, apiVersionsRequest(1))
  assert.equal(first?.readInt32BE(0), 1)
  socket.removeAllListeners('data')
  assert.equal(await exchange(socket, apiVersionsRequest(2)), null)
  broker.faults.clear()

  broker.faults.delay(200, 'ApiVersions')
  const slow = await open(broker.port)
  t.after(() => slow.destroy())
  const started = Date.now()
  await exchange(slow, apiVersionsRequest(3))
  assert.ok(Date.now() - started >= 190)
  broker.faults.clear()

  await broker.down()
  await assert.rejects(open(broker.port))
  await broker.up()
  assert.deepEqual(await kcatConsume(address(broker), topic, 'all', '%o %s'), ['0 y'])
})

test('--data-dir keeps the log and its offsets across a restart', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'krn-data-'))
  const topic = uniqueTopic('durable')
  const first = await startBroker({ port: 0, dataDir, partitions: 2 })
  const produced = await runCommand(
    'kcat',
    ['-P', '-b', address(first), '-t', topic, '-p', '1', '-K', ':'],
    'a:1\nb:2\n'
  )
  assert.equal(produced.status, 0, produced.stderr)
  const port = first.port
  await first.close()
  const second = await startBroker({ port, dataDir })
  try {
    assert.deepEqual(
      second.records(topic, 1).map((r) => [r.offset, r.key?.toString(), r.value?.toString()]),
      [
        [0, 'a', '1'],
        [1, 'b', '2']
      ]
    )
    const more = await runCommand('kcat', ['-P', '-b', address(second), '-t', topic, '-p', '1'], 'c\n')
    assert.equal(more.status, 0, more.stderr)
    assert.equal(second.highWatermark(topic, 1), 3)
    assert.equal(second.highWatermark(topic, 0), 0)
  } finally {
    await second.close()
  }
})

test('--data-dir: a producer id read back from the log is not handed out again, so a new idempotent producer after a restart has its first batch stored', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'krn-data-'))
  const topic = uniqueTopic('pid')
  const first = await startBroker({ port: 0, dataDir, partitions: 1 })
  const idempotent = ['-X', 'enable.idempotence=true']
  const produced = await runCommand('kcat', ['-P', '-b', address(first), '-t', topic, ...idempotent], 'a\n')
  assert.equal(produced.status, 0, produced.stderr)
  const port = first.port
  await first.close()
  const second = await startBroker({ port, dataDir })
  try {
    const more = await runCommand('kcat', ['-P', '-b', address(second), '-t', topic, ...idempotent], 'b\n')
    assert.equal(more.status, 0, more.stderr)
    assert.deepEqual(
      second.records(topic, 0).map((r) => [r.offset, r.value?.toString()]),
      [
        [0, 'a'],
        [1, 'b']
      ]
    )
  } finally {
    await second.close()
  }
})
