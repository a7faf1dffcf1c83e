import { mock, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startBroker } from '../../src/broker/index.js'
import { address, startTestBroker, uniqueTopic } from '../helpers/broker.js'
import { runCommand } from '../helpers/process.js'
import { kcatConsume } from '../helpers/kcat.js'
import { apiVersionsRequest, exchange, openSocket } from '../helpers/raw-frames.js'
import { RawConnection } from '../helpers/raw-kafka.js'
import { produceApi } from '../../src/broker/apis/produce.js'
import type { Struct } from '../../src/broker/protocol/schema.js'
import { encodeRecordBatch } from '../../src/kafka/producer/record-batch.js'
import { plainRecord } from '../helpers/batch-records.js'

const oneRecordBatch = (value: string): Buffer =>
  encodeRecordBatch([plainRecord(value, 1732400000000)], 'none')

/** Lets the event loop turn `count` times, so that I/O under way completes (real time, not the mocked timers). */
async function turns(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve))
}

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
  const socket = await openSocket(broker.port)
  const first = await exchange(socket, apiVersionsRequest(1))
  assert.equal(first?.readInt32BE(0), 1)
  socket.removeAllListeners('data')
  assert.equal(await exchange(socket, apiVersionsRequest(2)), null)
  broker.faults.clear()

  broker.faults.delay(200, 'ApiVersions')
  const slow = await openSocket(broker.port)
  t.after(() => slow.destroy())
  // The broker holds the answer on a timer: on fake time it is sent at 200 ms, not before.
  mock.timers.enable({ apis: ['setTimeout'] })
  try {
    const handled = broker.requestCount('ApiVersions')
    const answer = exchange(slow, apiVersionsRequest(3))
    let answered = false
    void answer.then(() => (answered = true))
    while (broker.requestCount('ApiVersions') === handled) await turns(1)
    mock.timers.tick(199)
    await turns(20)
    assert.equal(answered, false)
    mock.timers.tick(1)
    assert.equal((await answer)?.readInt32BE(0), 3)
  } finally {
    mock.timers.reset()
  }
  broker.faults.clear()

  await broker.down()
  await assert.rejects(openSocket(broker.port))
  await broker.up()
  assert.deepEqual(await kcatConsume(address(broker), topic, 'all', '%o %s'), ['0 y'])
})

test('dropAnswers: the request is handled (the batch is stored), the connection closes instead of the answer, then afterEach runs; the next request is answered', async (t) => {
  const broker = await startTestBroker(t, { partitions: 1 })
  const topic = uniqueTopic('drop')
  broker.createTopic(topic, 1)
  const request = (value: string) => ({
    transactionalId: null,
    acks: -1,
    timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: 0, records: oneRecordBatch(value) }] }]
  })
  const seen: [boolean, number][] = []
  const first = await RawConnection.open(t, address(broker))
  broker.faults.dropAnswers('Produce', 1, () => seen.push([first.closed, broker.highWatermark(topic, 0)]))
  await assert.rejects(
    first.request(produceApi, 9, request('a')),
    /closed the connection instead of answering Produce/
  )
  // When afterEach ran the batch was in the log; the client's side of the connection closes after.
  assert.deepEqual(seen, [[false, 1]])
  const second = await RawConnection.open(t, address(broker))
  const answer = await second.request(produceApi, 9, request('b'))
  assert.deepEqual(
    ((answer.responses as Struct[])[0]?.partitionResponses as Struct[]).map((p) => [
      p.errorCode,
      p.baseOffset
    ]),
    [[0, 1n]]
  )
  assert.equal(seen.length, 1)
  assert.deepEqual(
    broker.records(topic, 0).map((r) => [r.offset, r.value?.toString()]),
    [
      [0, 'a'],
      [1, 'b']
    ]
  )
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
