import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Kafka, logLevel } from 'kafkajs'
import { openTarget } from '../../helpers/broker-targets.js'
import { uniqueTopic } from '../../helpers/broker.js'
import { kafkaChain } from '../../helpers/kafka-chain.js'
import { makeMsg } from '../../helpers/messages.js'
import { partitionForKey } from '../../../src/kafka/producer/partitioner.js'

// Found on a real three-broker Apache Kafka: after a topic was deleted and auto-creation brought it
// back with one partition, the node kept its old partition count and records for the partitions
// that were gone waited for a leader until delivery.timeout.ms. The Java producer's metadata lacks
// the topic after the UNKNOWN_TOPIC_OR_PARTITION answer, so later records wait in send() for the
// new metadata and are partitioned over the new count.

/** A key that lands on partition `want` of 3 (and so on partition 0 of 1). */
const keyFor = (want: number, from = 0): string => {
  for (let n = from; ; n++) if (partitionForKey(Buffer.from(`device-${n}`), 3) === want) return `device-${n}`
}

test('a deleted topic recreated with one partition: records after the broker said it is unknown go to the new partition count', async (t) => {
  const target = await openTarget(t, 'Apache Kafka')
  const topic = uniqueTopic('recreated')
  await target.createTopic(topic, 3)
  const admin = new Kafka({ brokers: target.bootstrap.split(','), logLevel: logLevel.NOTHING }).admin()
  await admin.connect()
  t.after(() => admin.disconnect())
  const node = await kafkaChain(t, {
    topicPattern: topic,
    keyPattern: '${deviceName}',
    bootstrapServers: target.bootstrap,
    retries: 5,
    otherProperties: { 'delivery.timeout.ms': '20000', 'request.timeout.ms': '5000' }
  })
  const send = (key: string) => makeMsg({ metadata: { deviceName: key }, data: `{"key":"${key}"}` })
  const before = await node.run([send(keyFor(2))])
  assert.deepEqual(
    before.map((e) => [e.relation, e.msg.metadata.partition, e.msg.metadata.offset]),
    [['Success', '2', '0']]
  )

  await admin.deleteTopics({ topics: [topic] })
  while ((await admin.listTopics()).includes(topic)) await new Promise((r) => setTimeout(r, 200))

  // The first record after the deletion hears UNKNOWN_TOPIC_OR_PARTITION; it goes to partition 0,
  // which the recreated topic has, so it is delivered on retry.
  const first = await node.run([send(keyFor(0))])
  assert.deepEqual(
    first.map((e) => [e.relation, e.msg.metadata.partition, e.msg.metadata.offset]),
    [['Success', '0', '0']]
  )
  // Keys that went to partitions 1 and 2 of the old topic now all go to the one partition.
  const keys = [keyFor(1), keyFor(2), keyFor(1, 100), keyFor(2, 100)]
  const after = await node.run(keys.map(send))
  assert.deepEqual(
    after.map((e) => [e.relation, e.msg.metadata.deviceName, e.msg.metadata.partition]),
    keys.map((key) => ['Success', key, '0'])
  )
  assert.deepEqual(
    after.map((e) => e.msg.metadata.offset),
    ['1', '2', '3', '4']
  )
  assert.deepEqual(
    (await target.read(topic, 0)).map((r) => [r.offset, r.key?.toString()]),
    [[0, keyFor(0)], ...keys.map((key, i) => [i + 1, key])]
  )
})
