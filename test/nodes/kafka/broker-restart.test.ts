import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startBroker, type Broker } from '../../../src/broker/index.js'
import { kafkaChain } from '../../helpers/kafka-chain.js'
import { makeMsg } from '../../helpers/messages.js'
import { uniqueTopic } from '../../helpers/broker.js'

for (const idempotent of [false, true]) {
  test(`broker killed mid-stream and restarted on the same port with its data: every message ends in the topic (idempotence ${idempotent ? 'on: no duplicates' : 'off: duplicates counted'})`, async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'krn-restart-'))
    let broker: Broker = await startBroker({ port: 0, dataDir, partitions: 2 })
    t.after(() => broker.close())
    const port = broker.port
    const topic = uniqueTopic('restart')
    const node = await kafkaChain(t, {
      topicPattern: topic,
      keyPattern: '${n}',
      linger: 5,
      retries: 100,
      bootstrapServers: `127.0.0.1:${port}`,
      otherProperties: {
        'retry.backoff.ms': '50',
        'request.timeout.ms': '2000',
        'delivery.timeout.ms': '30000'
      }
    })
    const total = 3000
    let storedBeforeKill = 0
    for (let n = 0; n < total; n++) {
      if (n === 1000) {
        storedBeforeKill = broker.highWatermark(topic, 0) + broker.highWatermark(topic, 1)
        await broker.close()
        setTimeout(() => {
          void startBroker({ port, dataDir, partitions: 2 }).then((restarted) => (broker = restarted))
        }, 300)
      }
      await node.chain.push(makeMsg({ metadata: { n: String(n) }, data: String(n) }))
      // A steady stream, so that batches are under way when the broker goes.
      if (n % 100 === 99) await new Promise((resolve) => setTimeout(resolve, 10))
    }
    await node.chain.drain()
    const success = node.exits.filter((e) => e.relation === 'Success')
    const failure = node.exits.filter((e) => e.relation === 'Failure')
    assert.ok(
      storedBeforeKill > 0 && storedBeforeKill < total,
      `records were flowing when the broker died (${storedBeforeKill})`
    )
    assert.equal(success.length + failure.length, total)
    assert.deepEqual(
      failure.map((e) => e.msg.metadata.error),
      []
    )
    const stored = [0, 1].flatMap((p) => broker.records(topic, p).map((r) => r.value?.toString()))
    const distinct = new Set(stored)
    assert.equal(distinct.size, total, 'every message is in the topic')
    // Without idempotence a batch whose answer was lost may be stored twice; count, don't hide.
    t.diagnostic(`duplicates after the restart: ${stored.length - distinct.size}`)
    if (idempotent) assert.equal(stored.length, total, 'no duplicates with idempotence')
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
