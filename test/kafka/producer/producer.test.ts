import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ProducerClosedError } from '../../../src/kafka/errors.js'
import { partitionForKey } from '../../../src/kafka/producer/partitioner.js'
import { Producer } from '../../../src/kafka/producer/producer.js'
import { producerSettings } from '../../../src/kafka/producer/producer-properties.js'
import { address, startTestBroker, uniqueTopic } from '../../helpers/broker.js'

test("the producer without the rule engine: send() resolves with each record's partition and offset, as the broker stored it", async (t) => {
  const broker = await startTestBroker(t, { partitions: 1 })
  const topic = uniqueTopic('producer')
  broker.createTopic(topic, 3)
  const settings = producerSettings(
    {
      bootstrapServers: [address(broker)],
      retries: 3,
      batchSizeBytes: 16384,
      lingerMs: 5,
      bufferMemoryBytes: 33554432,
      acks: -1
    },
    {},
    () => {}
  )
  assert.equal(settings.idempotent, true)
  const producer = new Producer({ settings })
  const keys = ['device-1', 'device-2', 'device-3', 'device-1']
  const outcomes = await Promise.all(keys.map((key, i) => producer.send({ topic, key, value: `v${i}` })))
  const partitions = keys.map((key) => partitionForKey(Buffer.from(key), 3))
  const offsets = new Map<number, number>()
  const expected = partitions.map((partition) => {
    const offset = offsets.get(partition) ?? 0
    offsets.set(partition, offset + 1)
    return { kind: 'delivered', topic, partition, offset }
  })
  assert.deepEqual(outcomes, expected)
  for (const [i, outcome] of outcomes.entries()) {
    assert.equal(outcome.kind, 'delivered')
    if (outcome.kind !== 'delivered') continue
    const stored = broker.records(topic, outcome.partition).find((r) => r.offset === outcome.offset)
    assert.equal(stored?.key?.toString(), keys[i])
    assert.equal(stored?.value?.toString(), `v${i}`)
  }
  await producer.flush()
  await producer.close(new ProducerClosedError('closed', {}))
  assert.equal(producer.bufferUsed, 0)
})

test('send() of a record larger than max.request.size resolves with the failure, naming the limit', async (t) => {
  const broker = await startTestBroker(t, { partitions: 1 })
  const settings = producerSettings(
    {
      bootstrapServers: [address(broker)],
      retries: 0,
      batchSizeBytes: 16384,
      lingerMs: 0,
      bufferMemoryBytes: 33554432,
      acks: -1
    },
    { 'max.request.size': '100' },
    () => {}
  )
  const producer = new Producer({ settings })
  t.after(() => producer.close(new ProducerClosedError('closed', {})))
  const outcome = await producer.send({ topic: 't', value: 'x'.repeat(100) })
  assert.equal(outcome.kind, 'failed')
  if (outcome.kind !== 'failed') return
  // The size as the Java producer's ensureValidRecordSize counts it: a batch of its own (61 bytes
  // of header) around the record, the null key and the value's length as varints.
  assert.equal(
    outcome.error.message,
    'the record is 186 bytes, more than max.request.size (100 bytes); it cannot be sent to topic t'
  )
  assert.equal(broker.requestCount('Produce'), 0)
})
