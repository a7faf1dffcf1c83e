import { test } from 'node:test'
import assert from 'node:assert/strict'
import { address, startTestBroker, uniqueTopic } from '../../helpers/broker.js'
import { kafkaChain } from '../../helpers/kafka-chain.js'
import { makeMsg } from '../../helpers/messages.js'

test('a broker slower than request.timeout.ms: Failure naming the timeout when retries run out', async (t) => {
  const broker = await startTestBroker(t, { partitions: 1 })
  const topic = uniqueTopic('slow')
  broker.createTopic(topic, 1)
  const node = await kafkaChain(t, {
    topicPattern: topic,
    bootstrapServers: address(broker),
    otherProperties: { 'request.timeout.ms': '300', 'delivery.timeout.ms': '2000' }
  })
  await node.run([makeMsg()])
  broker.faults.delay(1000, 'Produce')
  const exits = await node.run([makeMsg(), makeMsg()])
  assert.deepEqual(
    exits.map((e) => e.relation),
    ['Failure', 'Failure']
  )
  assert.match(exits[0]?.msg.metadata.error ?? '', /^Kafka\w+Error: .*[Tt]imed? ?out/)
})

test('connections dropped after every 3 requests: with retries every message is delivered', async (t) => {
  const broker = await startTestBroker(t, { partitions: 2 })
  const topic = uniqueTopic('drop')
  broker.createTopic(topic, 2)
  const node = await kafkaChain(t, {
    topicPattern: topic,
    keyPattern: '${n}',
    retries: 50,
    bootstrapServers: address(broker),
    otherProperties: { 'retry.backoff.ms': '20' }
  })
  broker.faults.closeAfter(3)
  const exits = await node.run(
    Array.from({ length: 200 }, (_, n) => makeMsg({ metadata: { n: String(n) }, data: String(n) }))
  )
  assert.equal(exits.length, 200)
  assert.deepEqual(
    exits.filter((e) => e.relation !== 'Success').map((e) => e.msg.metadata.error),
    []
  )
  const stored = new Set([0, 1].flatMap((p) => broker.records(topic, p).map((r) => r.value?.toString())))
  assert.equal(stored.size, 200)
})

test('a topic name the broker rejects fails at once with its error, not after max.block.ms', async (t) => {
  const broker = await startTestBroker(t)
  const node = await kafkaChain(t, {
    topicPattern: 'bad topic ${deviceName}',
    bootstrapServers: address(broker)
  })
  const started = Date.now()
  const exits = await node.run([makeMsg({ metadata: { deviceName: 'x' } })])
  assert.equal(exits[0]?.relation, 'Failure')
  assert.match(
    exits[0]?.msg.metadata.error ?? '',
    /^KafkaBrokerError: broker answered INVALID_TOPIC_EXCEPTION \(17\) for topic bad topic x/
  )
  assert.ok(Date.now() - started < 10_000)
})
