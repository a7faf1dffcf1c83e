import { test } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { address, startTestBroker, uniqueTopic } from '../../helpers/broker.js'
import { kafkaChain } from '../../helpers/kafka-chain.js'
import { makeMsg } from '../../helpers/messages.js'
import { partitionForKey } from '../../../src/kafka/producer/partitioner.js'

const keys = Array.from({ length: 40 }, (_, i) => `device-${i}`)
const messages = (): ReturnType<typeof makeMsg>[] =>
  keys.map((key) => makeMsg({ metadata: { deviceName: key }, data: key }))

test('partitions added to a topic are used once metadata.max.age.ms has passed, keyed as Java keys them', async (t) => {
  const broker = await startTestBroker(t, { partitions: 1 })
  const topic = uniqueTopic('grow')
  broker.createTopic(topic, 2)
  const node = await kafkaChain(t, {
    topicPattern: topic,
    keyPattern: '${deviceName}',
    bootstrapServers: address(broker),
    otherProperties: { 'metadata.max.age.ms': '200' }
  })
  const partitionsOf = (exits: Awaited<ReturnType<typeof node.run>>): Map<string, number> =>
    new Map(exits.map((e) => [e.msg.data, Number(e.msg.metadata.partition)]))

  const before = partitionsOf(await node.run(messages()))
  assert.deepEqual(before, new Map(keys.map((k) => [k, partitionForKey(Buffer.from(k), 2)])))

  broker.addPartitions(topic, 5)
  await sleep(250)
  // The first record after the age has passed asks again in the background and goes on with 2.
  await node.run([makeMsg({ metadata: { deviceName: 'trigger' }, data: 'trigger' })])
  await sleep(100)
  const after = await node.run(messages())
  assert.deepEqual(
    after.map((e) => e.relation),
    keys.map(() => 'Success')
  )
  assert.deepEqual(partitionsOf(after), new Map(keys.map((k) => [k, partitionForKey(Buffer.from(k), 5)])))
  // And the records are where the node said: on the new partitions too.
  for (const exit of after) {
    const stored = broker
      .records(topic, Number(exit.msg.metadata.partition))
      .find((r) => r.offset === Number(exit.msg.metadata.offset))
    assert.equal(stored?.key?.toString(), exit.msg.data)
  }
  assert.ok(
    [2, 3, 4].some((p) => broker.highWatermark(topic, p) > 0),
    'some keys moved to the added partitions'
  )
})
