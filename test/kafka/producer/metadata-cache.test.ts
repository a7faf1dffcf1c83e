import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { createClient } from '../../../src/kafka/client.js'
import { MetadataCache } from '../../../src/kafka/producer/metadata-cache.js'
import { producerSettings } from '../../../src/kafka/producer/producer-properties.js'
import type { Broker } from '../../../src/broker/index.js'
import { address, startTestBroker, uniqueTopic } from '../../helpers/broker.js'

/** A metadata cache over a real client of `broker`; the client is closed after the test. */
function cacheOf(t: TestContext, broker: Broker, maxAgeMs: number) {
  const settings = producerSettings(
    {
      bootstrapServers: [address(broker)],
      retries: 0,
      batchSizeBytes: 16384,
      lingerMs: 0,
      bufferMemoryBytes: 33554432,
      acks: -1
    },
    {},
    () => {}
  )
  const client = createClient(settings)
  t.after(() => client.close(true))
  let answered = 0
  const cache = new MetadataCache({ client, maxAgeMs, retryBackoffMs: 10, answered: () => answered++ })
  return { cache, answered: () => answered }
}

test('the metadata cache asks the brokers once for a topic and then answers partition counts and leaders from memory', async (t) => {
  const broker = await startTestBroker(t, { partitions: 1 })
  const topic = uniqueTopic('cache')
  broker.createTopic(topic, 3)
  const { cache, answered } = cacheOf(t, broker, 60_000)
  assert.equal(cache.partitionsOf(topic), undefined)
  assert.equal(cache.leaderOf(topic, 0), -1)
  const before = broker.requestCount('Metadata')
  assert.equal(await cache.fetchPartitions(topic), 3)
  assert.equal(answered(), 1)
  await cache.fetchLeaders([topic])
  assert.equal(broker.requestCount('Metadata') - before, 2)
  assert.equal(cache.partitionsOf(topic), 3)
  assert.equal(cache.knownPartitions(topic), 3)
  const leader = cache.leaderOf(topic, 2)
  // The development broker is node 0.
  assert.equal(leader, 0)
  assert.equal(cache.hasFreshLeader(topic, 2, Date.now()), true)
  assert.equal(cache.hasFreshLeader(topic, 3, Date.now()), false, 'a partition beyond the known ones')
  const { known, broker: leaderBroker } = cache.leaderBroker(topic, 2)
  assert.equal(known, true)
  assert.equal(`${leaderBroker?.host}:${leaderBroker?.port}`, address(broker))
  // All from memory: no request more.
  assert.equal(broker.requestCount('Metadata') - before, 2)
})

test('the cache forgets only what a failure proves stale: one leader, the leaders on an unreachable broker, the count of a topic the brokers say is gone', async (t) => {
  const broker = await startTestBroker(t, { partitions: 1 })
  const topic = uniqueTopic('forget')
  const other = uniqueTopic('forget-other')
  broker.createTopic(topic, 2)
  broker.createTopic(other, 2)
  const { cache } = cacheOf(t, broker, 60_000)
  await cache.fetchLeaders([topic, other])
  await cache.fetchPartitions(topic)
  cache.forgetLeader(topic, 0)
  assert.deepEqual([cache.leaderOf(topic, 0), cache.leaderOf(topic, 1), cache.leaderOf(other, 0)], [-1, 0, 0])
  assert.deepEqual(cache.leaderBroker(topic, 0), { known: true, leader: undefined, broker: undefined })
  cache.forgetLeadersOn(new Set([0]))
  assert.deepEqual(
    [cache.leaderOf(topic, 1), cache.leaderOf(other, 0), cache.leaderOf(other, 1)],
    [-1, -1, -1]
  )
  cache.forgetPartitions(topic)
  assert.equal(cache.partitionsOf(topic), undefined)
  await cache.fetchLeaders([topic])
  assert.equal(cache.leaderOf(topic, 1), 0, 'asked again, the leader is back')
})

test('a partition count older than metadata.max.age.ms is asked again in the background while the known one is used', async (t) => {
  const broker = await startTestBroker(t, { partitions: 1 })
  const topic = uniqueTopic('grow')
  broker.createTopic(topic, 2)
  const { cache } = cacheOf(t, broker, 0)
  assert.equal(await cache.fetchPartitions(topic), 2)
  broker.addPartitions(topic, 5)
  const before = broker.requestCount('Metadata')
  // Too old at once (max age 0): this call starts a refresh and answers with the count known.
  assert.equal(cache.partitionsOf(topic), 2)
  assert.equal(cache.partitionsOf(topic), 2, 'one refresh at a time')
  for (let i = 0; i < 500 && cache.knownPartitions(topic) === 2; i++)
    await new Promise((resolve) => setTimeout(resolve, 10))
  assert.equal(cache.knownPartitions(topic), 5)
  assert.equal(broker.requestCount('Metadata') - before, 1)
})
