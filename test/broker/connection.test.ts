import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { connect, type Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { startTestBroker } from '../helpers/broker.js'
import { seededRandom } from '../helpers/random.js'
import { apiVersionsRequest, exchange, openSocket } from '../helpers/raw-frames.js'

const KIB = 1024
const MIB = 1024 * KIB

async function open(t: TestContext, port: number): Promise<Socket> {
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s))
    s.on('error', reject)
  })
  t.after(() => socket.destroy())
  return socket
}

/** Answers in the order they come, and whether the broker closed the connection. */
function listen(socket: Socket): { answers: number[]; closed: Promise<void> } {
  const answers: number[] = []
  let pending: Buffer[] = []
  let bytes = 0
  socket.on('data', (chunk: Buffer) => {
    pending.push(chunk)
    bytes += chunk.length
    let data = Buffer.concat(pending, bytes)
    while (data.length >= 8 && data.length >= 4 + data.readInt32BE(0)) {
      answers.push(data.readInt32BE(4))
      data = data.subarray(4 + data.readInt32BE(0))
    }
    pending = [data]
    bytes = data.length
  })
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  socket.on('error', () => {})
  return { answers, closed }
}

/** Resolves once `count` answers came, or rejects after `ms`. */
async function answered(state: { answers: number[] }, count: number, ms = 10_000): Promise<void> {
  for (const start = Date.now(); state.answers.length < count; await sleep(5))
    if (Date.now() - start > ms) throw new Error(`${state.answers.length} answers, expected ${count}`)
}

/** True when the socket closed within `ms`. */
async function closesWithin(closed: Promise<void>, ms: number): Promise<boolean> {
  return Promise.race([closed.then(() => true), sleep(ms).then(() => false)])
}

function write(socket: Socket, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => socket.write(bytes, (error) => (error ? reject(error) : resolve())))
}

test('a 50 MiB frame in 64 KiB chunks is copied once, and another client is answered while it arrives', async (t) => {
  const broker = await startTestBroker(t)
  const big = apiVersionsRequest(1, 50 * MIB)
  const sender = await open(t, broker.port)
  const other = await open(t, broker.port)
  const senderState = listen(sender)
  const otherState = listen(other)
  // Buffer.concat is where a frame reader copies; count the bytes it copies while the frame arrives.
  const concat = Buffer.concat
  let copied = 0
  Buffer.concat = (list: readonly Uint8Array[], totalLength?: number): Buffer<ArrayBuffer> => {
    const result = concat(list, totalLength)
    copied += result.length
    return result
  }
  t.after(() => (Buffer.concat = concat))
  const half = Math.floor(big.length / 2)
  for (let at = 0; at < half; at += 64 * KIB)
    await write(sender, big.subarray(at, Math.min(at + 64 * KIB, half)))
  await write(other, apiVersionsRequest(2))
  await answered(otherState, 1)
  assert.deepEqual(senderState.answers, [])
  for (let at = half; at < big.length; at += 64 * KIB)
    await write(sender, big.subarray(at, Math.min(at + 64 * KIB, big.length)))
  await answered(senderState, 1, 60_000)
  Buffer.concat = concat
  assert.deepEqual(senderState.answers, [1])
  assert.deepEqual(otherState.answers, [2])
  // One copy of the frame, plus the test's own small answer buffers: far from the ~20 GiB that
  // concatenating everything pending on each read would copy.
  assert.ok(copied < 51 * MIB, `${copied} bytes copied`)
})

test('before SASL authentication a frame of 512 KiB is read and a bigger one closes the connection', async (t) => {
  const broker = await startTestBroker(t, { saslUsers: { alice: 'secret' } })
  const tooBig = await open(t, broker.port)
  const tooBigState = listen(tooBig)
  const header = Buffer.alloc(4)
  header.writeInt32BE(512 * KIB + 1)
  tooBig.write(header)
  assert.equal(await closesWithin(tooBigState.closed, 5000), true)
  assert.deepEqual(tooBigState.answers, [])

  const atLimit = await open(t, broker.port)
  const atLimitState = listen(atLimit)
  await write(atLimit, apiVersionsRequest(3, 512 * KIB))
  await answered(atLimitState, 1)
  assert.deepEqual(atLimitState.answers, [3])
})

test('without SASL, frames up to maxRequestBytes are read before any authentication', async (t) => {
  const broker = await startTestBroker(t)
  const socket = await open(t, broker.port)
  const state = listen(socket)
  await write(socket, apiVersionsRequest(4, 2 * MIB))
  await answered(state, 1)
  assert.deepEqual(state.answers, [4])
})

test('a connection idle for idleTimeoutMs is closed; one that keeps sending stays open', async (t) => {
  const broker = await startTestBroker(t, { idleTimeoutMs: 300 })
  const idle = await open(t, broker.port)
  const busy = await open(t, broker.port)
  const idleState = listen(idle)
  const busyState = listen(busy)
  await write(idle, apiVersionsRequest(5))
  await answered(idleState, 1)
  const answeredAt = performance.now()
  for (let n = 0; n < 8; n++) {
    await write(busy, apiVersionsRequest(10 + n))
    await answered(busyState, n + 1)
    await sleep(100)
  }
  assert.equal(await closesWithin(idleState.closed, 5000), true)
  // Timers fire no earlier than asked, give or take the clock's rounding.
  assert.ok(performance.now() - answeredAt >= 290)
  assert.deepEqual(idleState.answers, [5])
  assert.equal(await closesWithin(busyState.closed, 0), false)
  assert.deepEqual(busyState.answers, [10, 11, 12, 13, 14, 15, 16, 17])
})

test('idleTimeoutMs closes a connection that never sent a byte', async (t) => {
  const broker = await startTestBroker(t, { idleTimeoutMs: 200 })
  const socket = await open(t, broker.port)
  const state = listen(socket)
  assert.equal(await closesWithin(state.closed, 5000), true)
  assert.deepEqual(state.answers, [])
})

test('maxConnections: a connection over the limit is closed unanswered; a freed slot takes the next', async (t) => {
  const broker = await startTestBroker(t, { maxConnections: 2 })
  const first = await open(t, broker.port)
  const second = await open(t, broker.port)
  const firstState = listen(first)
  const secondState = listen(second)
  await write(first, apiVersionsRequest(20))
  await write(second, apiVersionsRequest(21))
  await answered(firstState, 1)
  await answered(secondState, 1)

  const third = await open(t, broker.port)
  const thirdState = listen(third)
  third.write(apiVersionsRequest(22))
  assert.equal(await closesWithin(thirdState.closed, 5000), true)
  assert.deepEqual(thirdState.answers, [])

  first.destroy()
  await firstState.closed
  // The broker sees the close a moment after the client: try until the slot is free.
  let served: number[] = []
  for (let attempt = 0; attempt < 100 && served.length === 0; attempt++) {
    const next = await open(t, broker.port)
    const nextState = listen(next)
    next.write(apiVersionsRequest(23))
    await Promise.race([answered(nextState, 1, 5000), nextState.closed])
    served = nextState.answers
  }
  assert.deepEqual(served, [23])
  assert.deepEqual(secondState.answers, [21])
  assert.equal(await closesWithin(secondState.closed, 0), false)
})

test('an unknown API key closes the connection without an answer, as Kafka does', async (t) => {
  const broker = await startTestBroker(t)
  const socket = await openSocket(broker.port)
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
    const socket = await openSocket(broker.port)
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
  const socket = await openSocket(broker.port)
  t.after(() => socket.destroy())
  const response = await exchange(socket, apiVersionsRequest(99))
  assert.equal(response?.readInt32BE(0), 99)
})
