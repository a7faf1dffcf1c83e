import { test } from 'node:test'
import assert from 'node:assert/strict'
import { address, startTestBroker, uniqueTopic } from '../../helpers/broker.js'
import { kafkaChain } from '../../helpers/kafka-chain.js'
import { makeMsg } from '../../helpers/messages.js'
import { partitionForKey } from '../../../src/nodes/kafka/partitioner.js'

const NOT_LEADER_OR_FOLLOWER = 6
const INVALID_TOPIC_EXCEPTION = 17

const text = (buffer: Buffer | null): string | null => (buffer === null ? null : buffer.toString('utf8'))

test('publishes to the topic and key from metadata and nested data, with exact offsets on Success', async (t) => {
  const broker = await startTestBroker(t, { partitions: 4 })
  const prefix = uniqueTopic('telemetry')
  const node = await kafkaChain(t, {
    topicPattern: `${prefix}-\${deviceType}`,
    keyPattern: '$[sensor.id]-${deviceName}',
    bootstrapServers: address(broker)
  })
  const messages = [1, 2, 3].map((n) =>
    makeMsg({
      metadata: { deviceType: 'thermostat', deviceName: `T${n}` },
      data: `{"sensor":{"id":"s${n}"},"temperature":2${n}.0}`
    })
  )
  const exits = await node.run(messages)
  const topic = `${prefix}-thermostat`
  assert.equal(exits.length, 3)
  // Exits come per batch (partition), so look each message up by its device.
  const offsets = new Map<number, number>()
  for (const [n, msg] of messages.entries()) {
    const key = `s${n + 1}-T${n + 1}`
    const exit = exits.find((e) => e.msg.metadata.deviceName === `T${n + 1}`)
    const partition = partitionForKey(Buffer.from(key), 4)
    const offset = offsets.get(partition) ?? 0
    offsets.set(partition, offset + 1)
    assert.equal(exit?.relation, 'Success')
    assert.deepEqual(exit.msg.metadata, {
      ...msg.metadata,
      topic,
      partition: String(partition),
      offset: String(offset)
    })
    assert.equal(exit.msg.data, msg.data)
    assert.equal(exit.msg.type, msg.type)
    const stored = broker.records(topic, partition).find((r) => r.offset === offset)
    assert.equal(text(stored?.key ?? null), key)
    assert.equal(text(stored?.value ?? null), msg.data)
    assert.deepEqual(stored?.headers, [])
  }
})

test('sends no key when the key pattern is empty or absent, and the empty key when it resolves to ""', async (t) => {
  const broker = await startTestBroker(t, { partitions: 1 })
  const topic = uniqueTopic()
  for (const keyPattern of [undefined, '']) {
    const node = await kafkaChain(t, {
      topicPattern: topic,
      bootstrapServers: address(broker),
      ...(keyPattern === undefined ? {} : { keyPattern })
    })
    await node.run([makeMsg({ data: '{"a":1}' })])
  }
  const node = await kafkaChain(t, {
    topicPattern: topic,
    keyPattern: '${missingKey}x',
    bootstrapServers: address(broker)
  })
  await node.run([makeMsg({ metadata: {}, data: '{"a":2}' })])
  assert.deepEqual(
    broker.records(topic, 0).map((r) => [r.offset, text(r.key), text(r.value)]),
    [
      [0, null, '{"a":1}'],
      [1, null, '{"a":1}'],
      [2, '${missingKey}x', '{"a":2}']
    ]
  )
})

test('adds metadata as tb_msg_md_ headers in UTF-8 and in ISO-8859-1', async (t) => {
  const broker = await startTestBroker(t, { partitions: 1 })
  const metadata = { deviceName: 'Zürich-€', ts: '1732400000000' }
  for (const charset of ['UTF-8', 'ISO-8859-1']) {
    const topic = uniqueTopic(charset)
    const node = await kafkaChain(t, {
      topicPattern: topic,
      bootstrapServers: address(broker),
      addMetadataKeyValuesAsKafkaHeaders: true,
      kafkaHeadersCharset: charset
    })
    const [exit] = await node.run([makeMsg({ metadata })])
    assert.equal(exit?.relation, 'Success')
    const [record] = broker.records(topic, 0)
    const expected =
      charset === 'UTF-8'
        ? [Buffer.from('Zürich-€', 'utf8'), Buffer.from('1732400000000')]
        : [Buffer.from([0x5a, 0xfc, 0x72, 0x69, 0x63, 0x68, 0x2d, 0x3f]), Buffer.from('1732400000000')]
    assert.deepEqual(record?.headers, [
      ['tb_msg_md_deviceName', expected[0]],
      ['tb_msg_md_ts', expected[1]]
    ])
  }
})

test('acks 0, 1 and -1: offsets as the broker assigned them, -1 for acks 0 as Java reports', async (t) => {
  const broker = await startTestBroker(t, { partitions: 1 })
  for (const [acks, offsets] of [
    ['0', ['-1', '-1']],
    ['1', ['2', '3']],
    ['-1', ['4', '5']],
    ['all', ['6', '7']]
  ] as const) {
    const topic = 'acks-' + uniqueTopic()
    broker.createTopic(topic, 1)
    // Fill the log first so that offsets differ per case.
    const fill = acks === '0' ? 0 : acks === '1' ? 2 : acks === '-1' ? 4 : 6
    const filler = await kafkaChain(t, { topicPattern: topic, bootstrapServers: address(broker) })
    await filler.run(Array.from({ length: fill }, () => makeMsg()))
    const node = await kafkaChain(t, { topicPattern: topic, acks, bootstrapServers: address(broker) })
    const exits = await node.run([makeMsg({ data: '"a"' }), makeMsg({ data: '"b"' })])
    assert.deepEqual(
      exits.map((e) => [e.relation, e.msg.metadata.offset]),
      offsets.map((o) => ['Success', o]),
      `acks ${acks}`
    )
    // acks=0 sends no answer: wait until the broker has stored the records before reading.
    for (let i = 0; i < 50 && broker.highWatermark(topic, 0) < fill + 2; i++)
      await new Promise((r) => setTimeout(r, 20))
    assert.deepEqual(
      broker
        .records(topic, 0)
        .slice(fill)
        .map((r) => text(r.value)),
      ['"a"', '"b"']
    )
  }
})

test('linger batches records into fewer produce requests; linger 0 still sends every record', async (t) => {
  const broker = await startTestBroker(t, { partitions: 1 })
  const topic = uniqueTopic()
  const node = await kafkaChain(t, { topicPattern: topic, linger: 50, bootstrapServers: address(broker) })
  const before = broker.requestCount('Produce')
  // Pushed one by one, as the CLI does, each push awaited.
  const exits = await node.run(Array.from({ length: 100 }, (_, i) => makeMsg({ data: String(i) })))
  const requests = broker.requestCount('Produce') - before
  assert.equal(exits.filter((e) => e.relation === 'Success').length, 100)
  assert.deepEqual(
    exits.map((e) => Number(e.msg.metadata.offset)),
    Array.from({ length: 100 }, (_, i) => i)
  )
  assert.ok(requests >= 1 && requests <= 5, `100 records in ${requests} produce requests`)
  assert.deepEqual(
    broker.records(topic, 0).map((r) => text(r.value)),
    Array.from({ length: 100 }, (_, i) => String(i))
  )
})

test('batchSize bounds the bytes of one produce request', async (t) => {
  const broker = await startTestBroker(t, { partitions: 1 })
  const topic = uniqueTopic()
  const node = await kafkaChain(t, {
    topicPattern: topic,
    linger: 1000,
    batchSize: 1000,
    bootstrapServers: address(broker)
  })
  const before = broker.requestCount('Produce')
  const exits = await node.run(Array.from({ length: 20 }, () => makeMsg({ data: 'x'.repeat(400) })))
  assert.equal(exits.filter((e) => e.relation === 'Success').length, 20)
  // About 420 bytes a record: two records a batch, so ten batches, none waiting for the linger.
  assert.equal(broker.requestCount('Produce') - before, 10)
})

test('bufferMemory bounds what is held while the broker stalls: input waits, nothing is lost', async (t) => {
  const broker = await startTestBroker(t, { partitions: 1 })
  const topic = uniqueTopic()
  broker.createTopic(topic, 1)
  const node = await kafkaChain(t, {
    topicPattern: topic,
    bufferMemory: 4096,
    bootstrapServers: address(broker)
  })
  await node.run([makeMsg()]) // metadata known, connection up
  broker.faults.delay(300, 'Produce')
  // About 521 bytes a record: 7 fit in 4096. The rest must wait for delivered records to free room.
  let waited = 0
  let peak = 0
  for (let i = 0; i < 40; i++) {
    const acceptance = node.chain.push(makeMsg({ data: 'y'.repeat(500) }))
    peak = Math.max(peak, node.chain.inFlight)
    if (acceptance !== undefined) {
      waited++
      await acceptance
    }
  }
  await node.chain.drain()
  assert.ok(peak <= 8, `at most 7 records held plus the one waiting for room (peak ${peak})`)
  assert.ok(waited >= 4, `input waited for room at least once per stalled round (waited ${waited})`)
  assert.equal(node.exits.filter((e) => e.relation === 'Success').length, 41)
  assert.equal(broker.highWatermark(topic, 0), 41)
})

test('retries a retriable error: injected NOT_LEADER_OR_FOLLOWER twice, then delivered once', async (t) => {
  const broker = await startTestBroker(t, { partitions: 1 })
  const topic = uniqueTopic()
  broker.createTopic(topic, 1)
  const node = await kafkaChain(t, {
    topicPattern: topic,
    retries: 3,
    otherProperties: { 'retry.backoff.ms': '10' },
    bootstrapServers: address(broker)
  })
  broker.faults.failNext('Produce', NOT_LEADER_OR_FOLLOWER, 2)
  const exits = await node.run([makeMsg({ data: '"r"' })])
  assert.deepEqual(
    exits.map((e) => [e.relation, e.msg.metadata.offset]),
    [['Success', '0']]
  )
  assert.deepEqual(
    broker.records(topic, 0).map((r) => text(r.value)),
    ['"r"']
  )
})

test('routes to Failure with error metadata when retries run out', async (t) => {
  const broker = await startTestBroker(t, { partitions: 1 })
  const topic = uniqueTopic()
  broker.createTopic(topic, 1)
  const node = await kafkaChain(t, {
    topicPattern: topic,
    retries: 1,
    otherProperties: { 'retry.backoff.ms': '10' },
    bootstrapServers: address(broker)
  })
  broker.faults.failNext('Produce', NOT_LEADER_OR_FOLLOWER, 2)
  const msg = makeMsg({ data: '"lost?"' })
  const exits = await node.run([msg])
  assert.equal(exits.length, 1)
  assert.equal(exits[0]?.relation, 'Failure')
  assert.match(
    exits[0]?.msg.metadata.error ?? '',
    /^KafkaBrokerError: broker answered NOT_LEADER_OR_FOLLOWER \(6\) for topic .* partition 0/
  )
  assert.equal(exits[0]?.msg.data, msg.data)
  assert.equal(broker.highWatermark(topic, 0), 0)
})

test('does not retry an error that is not retriable', async (t) => {
  const broker = await startTestBroker(t, { partitions: 1 })
  const topic = uniqueTopic()
  broker.createTopic(topic, 1)
  const node = await kafkaChain(t, { topicPattern: topic, retries: 5, bootstrapServers: address(broker) })
  broker.faults.failNext('Produce', INVALID_TOPIC_EXCEPTION, 1)
  const before = broker.requestCount('Produce')
  const exits = await node.run([makeMsg()])
  assert.equal(exits[0]?.relation, 'Failure')
  assert.match(
    exits[0]?.msg.metadata.error ?? '',
    /^KafkaBrokerError: broker answered INVALID_TOPIC_EXCEPTION \(17\)/
  )
  assert.equal(broker.requestCount('Produce') - before, 1)
})

test('routes every message to Failure when the broker is down, within max.block.ms', async (t) => {
  const broker = await startTestBroker(t)
  const bootstrap = address(broker)
  await broker.close()
  const node = await kafkaChain(t, {
    topicPattern: uniqueTopic(),
    bootstrapServers: bootstrap,
    otherProperties: { 'max.block.ms': '500' }
  })
  const exits = await node.run([makeMsg(), makeMsg(), makeMsg()])
  assert.deepEqual(
    exits.map((e) => e.relation),
    ['Failure', 'Failure', 'Failure']
  )
  for (const exit of exits) {
    assert.match(
      exit.msg.metadata.error ?? '',
      /^KafkaTimeoutError: topic .* not present in metadata after 500 ms \(max\.block\.ms\); last error: /
    )
  }
  assert.equal(node.chain.health()[0]?.ok, false)
})

test('a record larger than max.request.size goes to Failure at once, naming the limit', async (t) => {
  const broker = await startTestBroker(t)
  const node = await kafkaChain(t, {
    topicPattern: uniqueTopic(),
    bootstrapServers: address(broker),
    otherProperties: { 'max.request.size': '1000' }
  })
  const exits = await node.run([makeMsg({ data: 'z'.repeat(2000) })])
  assert.equal(exits[0]?.relation, 'Failure')
  assert.match(
    exits[0]?.msg.metadata.error ?? '',
    /^RecordTooLargeError: the record is \d+ bytes, more than max\.request\.size \(1000 bytes\)/
  )
})

test('destroy flushes: messages held by a long linger are delivered before it returns', async (t) => {
  const broker = await startTestBroker(t, { partitions: 1 })
  const topic = uniqueTopic()
  const node = await kafkaChain(t, { topicPattern: topic, linger: 60_000, bootstrapServers: address(broker) })
  for (let i = 0; i < 5; i++) await node.chain.push(makeMsg({ data: String(i) }))
  assert.equal(node.exits.length, 0)
  await node.chain.destroy()
  assert.deepEqual(
    node.exits.map((e) => [e.relation, e.msg.metadata.offset]),
    [0, 1, 2, 3, 4].map((o) => ['Success', String(o)])
  )
})
