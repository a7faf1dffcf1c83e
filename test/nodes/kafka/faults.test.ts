import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import type { Broker } from '../../../src/broker/index.js'
import { address, startTestBroker, uniqueTopic } from '../../helpers/broker.js'
import { kafkaChain, type KafkaChain } from '../../helpers/kafka-chain.js'
import { makeMsg } from '../../helpers/messages.js'
import { eachBroker } from '../../helpers/broker-targets.js'

const NOT_LEADER_OR_FOLLOWER = 6

/** A broker, a topic with one partition on it, and a Kafka node publishing to it with `configuration`. */
async function onePartitionNode(
  t: TestContext,
  prefix: string,
  configuration: Record<string, unknown>
): Promise<{ broker: Broker; topic: string; node: KafkaChain }> {
  const broker = await startTestBroker(t, { partitions: 1 })
  const topic = uniqueTopic(prefix)
  broker.createTopic(topic, 1)
  const node = await kafkaChain(t, {
    topicPattern: topic,
    bootstrapServers: address(broker),
    ...configuration
  })
  return { broker, topic, node }
}

test('a broker slower than request.timeout.ms: Failure naming the timeout when retries run out', async (t) => {
  const { broker, node } = await onePartitionNode(t, 'slow', {
    otherProperties: { 'request.timeout.ms': '300', 'delivery.timeout.ms': '2000' }
  })
  await node.run([makeMsg()])
  broker.faults.delay(1000, 'Produce')
  const exits = await node.run([makeMsg(), makeMsg()])
  assert.deepEqual(
    exits.map((e) => e.relation),
    ['Failure', 'Failure']
  )
  assert.match(exits[0]?.msg.metadata.errorDetail ?? '', /^Kafka\w+Error: .*[Tt]imed? ?out/)
  // As the Java producer's Sender reports a request that timed out (REQUEST_TIMED_OUT), retries 0.
  assert.deepEqual(
    exits.map((e) => e.msg.metadata.error),
    exits.map(
      () => 'class org.apache.kafka.common.errors.TimeoutException: Disconnected from node 0 due to timeout'
    )
  )
})

test("a broker that keeps refusing until delivery.timeout.ms: the Java producer's expiry text, with the record count and partition", async (t) => {
  const { broker, topic, node } = await onePartitionNode(t, 'expire', {
    retries: 1000,
    otherProperties: {
      'retry.backoff.ms': '50',
      'request.timeout.ms': '500',
      'delivery.timeout.ms': '800'
    }
  })
  await node.run([makeMsg()])
  broker.faults.failNext('Produce', NOT_LEADER_OR_FOLLOWER, 1000)
  const exits = await node.run([makeMsg()])
  assert.equal(exits[0]?.relation, 'Failure')
  // Sender.failExpiredBatches: the time since the batch was made, which the clock decides.
  assert.match(
    exits[0]?.msg.metadata.error ?? '',
    new RegExp(
      `^class org\\.apache\\.kafka\\.common\\.errors\\.TimeoutException: Expiring 1 record\\(s\\) for ${topic}-0:\\d+ ms has passed since batch creation$`
    )
  )
  assert.match(
    exits[0]?.msg.metadata.errorDetail ?? '',
    /^KafkaTimeoutError: 1 record\(s\) for topic \S+ partition 0 expired: not delivered within delivery\.timeout\.ms 800 ms \(last error: /
  )
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

eachBroker(
  'a topic name the broker rejects fails at once with its error, not after max.block.ms',
  async (t, target) => {
    const node = await kafkaChain(t, {
      topicPattern: 'bad topic ${deviceName}',
      bootstrapServers: target.bootstrap
    })
    const started = Date.now()
    const exits = await node.run([
      makeMsg({ metadata: { deviceName: 'x' } }),
      makeMsg({ metadata: { deviceName: 'y' } })
    ])
    assert.deepEqual(
      exits.map((e) => [e.relation, e.msg.metadata.errorDetail?.replace(/: [^:]*$/, '')]),
      [
        ['Failure', 'KafkaBrokerError: broker answered INVALID_TOPIC_EXCEPTION (17) for topic bad topic x'],
        ['Failure', 'KafkaBrokerError: broker answered INVALID_TOPIC_EXCEPTION (17) for topic bad topic y']
      ]
    )
    assert.deepEqual(
      exits.map((e) => e.msg.metadata.error),
      ['x', 'y'].map(
        (d) => `class org.apache.kafka.common.errors.InvalidTopicException: Invalid topics: [bad topic ${d}]`
      )
    )
    assert.ok(Date.now() - started < 10_000)
  }
)

for (const idempotent of [true, false]) {
  test(`a produce answer lost after the broker wrote the batch: the retry ${idempotent ? 'carries the same sequence numbers and adds nothing' : 'writes the records again (idempotence off)'}`, async (t) => {
    const { broker, topic, node } = await onePartitionNode(t, 'lost-answer', {
      linger: 20,
      retries: 3,
      otherProperties: { 'enable.idempotence': String(idempotent), 'retry.backoff.ms': '20' }
    })
    broker.faults.dropAnswers('Produce', 1)
    const exits = await node.run(Array.from({ length: 10 }, (_, n) => makeMsg({ data: `m${n}` })))
    assert.deepEqual(
      exits.map((e) => [e.relation, e.msg.data, e.msg.metadata.offset]),
      // Success reports where the delivered copy went: the first one, or the retry's.
      Array.from({ length: 10 }, (_, n) => ['Success', `m${n}`, String(idempotent ? n : n + 10)])
    )
    assert.equal(broker.requestCount('Produce'), 2)
    const stored = broker.records(topic, 0).map((r) => [r.offset, r.value?.toString()])
    const once = Array.from({ length: 10 }, (_, n) => [n, `m${n}`])
    // Without idempotence the broker cannot tell the retry from new records: a second copy follows.
    assert.deepEqual(stored, idempotent ? once : [...once, ...once.map(([n, v]) => [Number(n) + 10, v])])
  })
}

test('retries 5 and acks -1 without enable.idempotence: idempotent by default as the Java producer, a lost produce answer writes nothing twice', async (t) => {
  const { broker, topic, node } = await onePartitionNode(t, 'default-idem', {
    linger: 20,
    retries: 5,
    acks: '-1',
    otherProperties: { 'retry.backoff.ms': '20' }
  })
  broker.faults.dropAnswers('Produce', 1)
  const exits = await node.run(Array.from({ length: 10 }, (_, n) => makeMsg({ data: `m${n}` })))
  assert.deepEqual(
    exits.map((e) => [e.relation, e.msg.data, e.msg.metadata.offset]),
    Array.from({ length: 10 }, (_, n) => ['Success', `m${n}`, String(n)])
  )
  assert.equal(broker.requestCount('InitProducerId'), 1)
  assert.equal(broker.requestCount('Produce'), 2)
  assert.deepEqual(
    broker.records(topic, 0).map((r) => [r.offset, r.value?.toString()]),
    Array.from({ length: 10 }, (_, n) => [n, `m${n}`])
  )
})

test('an idempotent batch that fails for good: later batches go out under a new producer id, not out of sequence', async (t) => {
  const INVALID_RECORD = 87
  const { broker, topic, node } = await onePartitionNode(t, 'idem-reset', {
    linger: 20,
    retries: 1,
    otherProperties: { 'enable.idempotence': 'true' }
  })
  broker.faults.failNext('Produce', INVALID_RECORD, 1)
  const failed = await node.run(Array.from({ length: 5 }, (_, n) => makeMsg({ data: `a${n}` })))
  assert.deepEqual(
    failed.map((e) => [e.relation, e.msg.metadata.errorDetail?.replace(/:.*/, '')]),
    Array.from({ length: 5 }, () => ['Failure', 'KafkaBrokerError'])
  )
  assert.match(failed[0]?.msg.metadata.errorDetail ?? '', /INVALID_RECORD \(87\)/)
  assert.equal(
    failed[0]?.msg.metadata.error,
    'class org.apache.kafka.common.InvalidRecordException: This record has failed the validation on broker and hence will be rejected.'
  )
  const delivered = await node.run(Array.from({ length: 5 }, (_, n) => makeMsg({ data: `b${n}` })))
  assert.deepEqual(
    delivered.map((e) => [e.relation, e.msg.metadata.offset]),
    Array.from({ length: 5 }, (_, n) => ['Success', String(n)])
  )
  assert.equal(broker.requestCount('InitProducerId'), 2)
  assert.deepEqual(
    broker.records(topic, 0).map((r) => r.value?.toString()),
    ['b0', 'b1', 'b2', 'b3', 'b4']
  )
})

test('idempotence with 5 batches in flight: the first fails and is retried, the later ones come back out of sequence and are retried after it, in order', async (t) => {
  const { broker, topic, node } = await onePartitionNode(t, 'idem-order', {
    // Each record closes its own batch: five produce requests in flight at once.
    batchSize: 1,
    retries: 10,
    otherProperties: {
      'enable.idempotence': 'true',
      'max.in.flight.requests.per.connection': '5',
      'retry.backoff.ms': '20'
    }
  })
  // Kafka accepts any first sequence from a producer it has no state for, so the partition must
  // know the producer (one batch in) for the later batches to come back out of sequence.
  const first = await node.run([makeMsg({ data: 'first' })])
  assert.deepEqual(
    first.map((e) => [e.relation, e.msg.metadata.offset]),
    [['Success', '0']]
  )
  broker.faults.failNext('Produce', NOT_LEADER_OR_FOLLOWER, 1)
  const exits = await node.run(Array.from({ length: 5 }, (_, n) => makeMsg({ data: `m${n}` })))
  assert.deepEqual(
    exits.map((e) => [e.relation, e.msg.data, e.msg.metadata.offset]).sort(),
    Array.from({ length: 5 }, (_, n) => ['Success', `m${n}`, String(n + 1)])
  )
  assert.ok(broker.requestCount('Produce') > 6, `only ${broker.requestCount('Produce')} produce requests`)
  assert.deepEqual(
    broker.records(topic, 0).map((r) => r.value?.toString()),
    ['first', 'm0', 'm1', 'm2', 'm3', 'm4']
  )
})

test('DUPLICATE_SEQUENCE_NUMBER: the broker has the batch already; Success with offset -1, as Java reports it', async (t) => {
  const DUPLICATE_SEQUENCE_NUMBER = 46
  const { broker, node } = await onePartitionNode(t, 'dup-seq', {
    linger: 20,
    retries: 1,
    otherProperties: { 'enable.idempotence': 'true' }
  })
  broker.faults.failNext('Produce', DUPLICATE_SEQUENCE_NUMBER, 1)
  const exits = await node.run([makeMsg({ data: 'a' }), makeMsg({ data: 'b' })])
  assert.deepEqual(
    exits.map((e) => [e.relation, e.msg.data, e.msg.metadata.offset, e.msg.metadata.partition]),
    [
      ['Success', 'a', '-1', '0'],
      ['Success', 'b', '-1', '0']
    ]
  )
  assert.equal(broker.requestCount('Produce'), 1)
})

test('UNKNOWN_PRODUCER_ID (the broker forgot the producer): the batch is retried under a new producer id and delivered once', async (t) => {
  const UNKNOWN_PRODUCER_ID = 59
  const { broker, topic, node } = await onePartitionNode(t, 'unknown-pid', {
    linger: 20,
    retries: 3,
    otherProperties: { 'enable.idempotence': 'true', 'retry.backoff.ms': '10' }
  })
  broker.faults.failNext('Produce', UNKNOWN_PRODUCER_ID, 1)
  const exits = await node.run([makeMsg({ data: 'a' }), makeMsg({ data: 'b' })])
  assert.deepEqual(
    exits.map((e) => [e.relation, e.msg.data, e.msg.metadata.offset]),
    [
      ['Success', 'a', '0'],
      ['Success', 'b', '1']
    ]
  )
  assert.equal(broker.requestCount('InitProducerId'), 2)
  assert.deepEqual(
    broker.records(topic, 0).map((r) => r.value?.toString()),
    ['a', 'b']
  )
})
