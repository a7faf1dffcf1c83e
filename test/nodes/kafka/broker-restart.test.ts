import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startBroker, type Broker } from '../../../src/broker/index.js'
import { kafkaChain } from '../../helpers/kafka-chain.js'
import { makeMsg } from '../../helpers/messages.js'
import { uniqueTopic } from '../../helpers/broker.js'

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

for (const idempotent of [false, true]) {
  test(`broker dies after writing a batch and before answering it, and restarts on the same port with its data: ${idempotent ? 'idempotence on: the retry is recognised, every message once, in order' : 'idempotence off: the retried batch is stored twice, exactly its 10 records'}`, async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'krn-restart-'))
    const start = () => startBroker({ port, dataDir, partitions: 1 })
    let broker: Broker = await startBroker({ port: 0, dataDir, partitions: 1 })
    const port = broker.port
    t.after(() => broker.close())
    const topic = uniqueTopic('restart')
    const node = await kafkaChain(t, {
      topicPattern: topic,
      linger: 20,
      retries: 100,
      bootstrapServers: `127.0.0.1:${port}`,
      otherProperties: {
        'enable.idempotence': String(idempotent),
        'retry.backoff.ms': '50',
        'request.timeout.ms': '2000',
        'delivery.timeout.ms': '30000'
      }
    })
    const messages = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => makeMsg({ data: String(from + i) }))
    // Before: a steady stream, every answer received.
    for (let n = 0; n < 300; n += 50) await node.run(messages(n, 50))
    assert.equal(broker.highWatermark(topic, 0), 300)
    // The crash: the broker writes the next batch (the 10 records below, sent as one batch within
    // linger.ms) and dies before its answer leaves; it is back 300 ms later with its log. The
    // producer cannot know whether the batch was written, so it sends it again.
    let restarted: Promise<void> = Promise.resolve()
    broker.faults.dropAnswers('Produce', 1, () => {
      const dying = broker
      restarted = dying
        .close()
        .then(() => delay(300))
        .then(start)
        .then((next) => void (broker = next))
    })
    const lost = await node.run(messages(300, 10))
    await restarted
    // After: the stream goes on against the restarted broker.
    for (let n = 310; n < 610; n += 50) await node.run(messages(n, 50))

    assert.deepEqual(
      node.exits.filter((e) => e.relation !== 'Success').map((e) => e.msg.metadata.error),
      []
    )
    assert.equal(node.exits.length, 610)
    const all = Array.from({ length: 610 }, (_, n) => String(n))
    const stored = broker.records(topic, 0).map((r) => r.value?.toString())
    if (idempotent) {
      // The restarted broker read the producer's sequence numbers back from its log and answers
      // the retry with the batch's first offset: nothing twice, nothing missing, in order.
      assert.deepEqual(stored, all)
      assert.deepEqual(
        lost.map((e) => e.msg.metadata.offset),
        Array.from({ length: 10 }, (_, i) => String(300 + i))
      )
    } else {
      // Without idempotence the broker cannot tell the retry from new records: the 10 records are
      // stored again right after their first copy, and Success reports the second copy's offsets.
      const batch = all.slice(300, 310)
      assert.deepEqual(stored, [...all.slice(0, 310), ...batch, ...all.slice(310)])
      assert.deepEqual(
        lost.map((e) => e.msg.metadata.offset),
        Array.from({ length: 10 }, (_, i) => String(310 + i))
      )
    }
  })
}

test('idempotence: a broker restarted without its data, handing out a producer id again, does not stall the producer that gets it: OUT_OF_ORDER_SEQUENCE_NUMBER for its first batch starts over under a new producer id at once (KIP-360)', async (t) => {
  let broker: Broker = await startBroker({ port: 0, partitions: 1 })
  t.after(() => broker.close())
  const port = broker.port
  const topic = uniqueTopic('lost-state')
  const configuration = {
    topicPattern: topic,
    retries: 100,
    bootstrapServers: `127.0.0.1:${port}`,
    otherProperties: {
      'enable.idempotence': 'true',
      'retry.backoff.ms': '50',
      'request.timeout.ms': '2000',
      'delivery.timeout.ms': '30000'
    }
  }
  const offsets = (exits: { relation: string; msg: { metadata: Record<string, string> } }[]) =>
    exits.map((e) => [e.relation, e.msg.metadata.offset, e.msg.metadata.error])
  const first = await kafkaChain(t, configuration)
  assert.deepEqual(offsets(await first.run(['0', '1'].map((data) => makeMsg({ data })))), [
    ['Success', '0', undefined],
    ['Success', '1', undefined]
  ])
  // A fresh broker on the same port: no records, no producer state, producer ids counted from the start.
  await broker.close()
  broker = await startBroker({ port, partitions: 1 })
  assert.deepEqual(offsets(await first.run([makeMsg({ data: '2' })])), [['Success', '0', undefined]])
  // A second producer is given the first one's producer id: the broker expects its sequence 3.
  const second = await kafkaChain(t, configuration)
  const started = Date.now()
  const exits = await second.run(['a', 'b', 'c'].map((data) => makeMsg({ data })))
  const took = Date.now() - started
  assert.deepEqual(offsets(exits), [
    ['Success', '1', undefined],
    ['Success', '2', undefined],
    ['Success', '3', undefined]
  ])
  assert.ok(took < 2000, `delivered after ${took} ms`)
  assert.deepEqual(
    broker.records(topic, 0).map((r) => r.value?.toString()),
    ['2', 'a', 'b', 'c']
  )
})
