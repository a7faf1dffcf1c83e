import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { batchesOf, eachBroker } from '../../helpers/broker-targets.js'
import { address, startTestBroker, uniqueTopic } from '../../helpers/broker.js'
import { javaConsume } from '../../helpers/java-consumer.js'
import { kafkaChain } from '../../helpers/kafka-chain.js'
import { makeMsg } from '../../helpers/messages.js'
import { partitionForKey } from '../../../src/kafka/producer/partitioner.js'

const NOT_LEADER_OR_FOLLOWER = 6
const INVALID_TOPIC_EXCEPTION = 17

const text = (buffer: Buffer | null): string | null => (buffer === null ? null : buffer.toString('utf8'))

eachBroker(
  'publishes to the topic and key from metadata and nested data, with exact offsets on Success',
  async (t, target) => {
    const prefix = uniqueTopic('telemetry')
    const topic = `${prefix}-thermostat`
    await target.createTopic(topic, 4)
    const node = await kafkaChain(t, {
      topicPattern: `${prefix}-\${deviceType}`,
      keyPattern: '$[sensor.id]-${deviceName}',
      bootstrapServers: target.bootstrap
    })
    const messages = [1, 2, 3, 4, 5, 6].map((n) =>
      makeMsg({
        metadata: { deviceType: 'thermostat', deviceName: `T${n}` },
        data: `{"sensor":{"id":"s${n}"},"temperature":2${n}.0}`
      })
    )
    const exits = await node.run(messages)
    assert.equal(exits.length, messages.length)
    // Exits come per batch (partition), so look each message up by its device.
    const offsets = new Map<number, number>()
    const expected: [number, number, string, string][] = []
    for (const [n, msg] of messages.entries()) {
      const key = `s${n + 1}-T${n + 1}`
      const exit = exits.find((e) => e.msg.metadata.deviceName === `T${n + 1}`)
      // The Java producer's partition for this key: the same on both brokers.
      const partition = partitionForKey(Buffer.from(key), 4)
      const offset = offsets.get(partition) ?? 0
      offsets.set(partition, offset + 1)
      expected.push([partition, offset, key, msg.data])
      assert.equal(exit?.relation, 'Success')
      assert.deepEqual(exit.msg.metadata, {
        ...msg.metadata,
        topic,
        partition: String(partition),
        offset: String(offset)
      })
      assert.equal(exit.msg.data, msg.data)
      assert.equal(exit.msg.type, msg.type)
    }
    assert.ok(offsets.size >= 2, 'the keys spread over more than one partition')
    const stored = await Promise.all(
      [0, 1, 2, 3].map(async (p) => (await target.read(topic, p)).map((r) => ({ ...r, partition: p })))
    )
    const sortRows = <T extends [number, number, ...unknown[]]>(rows: T[]): T[] =>
      rows.sort((a, b) => a[0] - b[0] || a[1] - b[1])
    assert.deepEqual(
      sortRows(
        stored.flat().map((r) => [r.partition, r.offset, text(r.key), text(r.value), r.headers.length])
      ),
      sortRows(expected.map(([p, o, k, v]) => [p, o, k, v, 0]))
    )
    if (target.kafka === undefined) return
    // Apache Kafka's own Java consumer sees the same partitions, offsets, keys and values.
    const java = await javaConsume(target.bootstrap, topic, 'all', messages.length)
    assert.deepEqual(
      sortRows(java.map((r) => [r.partition, r.offset, text(r.key), text(r.value), r.headers.length])),
      sortRows(expected.map(([p, o, k, v]) => [p, o, k, v, 0]))
    )
  },
  { partitions: 4 }
)

eachBroker(
  'sends no key when the key pattern is empty or absent, and the empty key when it resolves to ""',
  async (t, target) => {
    const topic = uniqueTopic()
    await target.createTopic(topic, 1)
    for (const keyPattern of [undefined, '', '${deviceName}']) {
      const node = await kafkaChain(t, {
        topicPattern: topic,
        bootstrapServers: target.bootstrap,
        ...(keyPattern === undefined ? {} : { keyPattern })
      })
      await node.run([makeMsg({ metadata: { deviceName: '' }, data: '{"a":1}' })])
    }
    const node = await kafkaChain(t, {
      topicPattern: topic,
      keyPattern: '${missingKey}x',
      bootstrapServers: target.bootstrap
    })
    await node.run([makeMsg({ metadata: {}, data: '{"a":2}' })])
    const rows = [
      [0, null, '{"a":1}'],
      [1, null, '{"a":1}'],
      [2, '', '{"a":1}'],
      [3, '${missingKey}x', '{"a":2}']
    ]
    assert.deepEqual(
      (await target.read(topic, 0)).map((r) => [r.offset, text(r.key), text(r.value)]),
      rows
    )
    if (target.kafka === undefined) return
    const java = await javaConsume(target.bootstrap, topic, 0, rows.length)
    assert.deepEqual(
      java.map((r) => [r.offset, text(r.key), text(r.value)]),
      rows
    )
  }
)

// What Java's String.getBytes(charset) gives for 'Zürich-€' (unmappable characters become '?';
// Java's "UTF-16" writes a big-endian byte order mark first).
const ZURICH = 'Zürich-€'
const HEADER_BYTES: Readonly<Record<string, Buffer>> = {
  'UTF-8': Buffer.from(ZURICH, 'utf8'),
  'ISO-8859-1': Buffer.from([0x5a, 0xfc, 0x72, 0x69, 0x63, 0x68, 0x2d, 0x3f]),
  'US-ASCII': Buffer.from([0x5a, 0x3f, 0x72, 0x69, 0x63, 0x68, 0x2d, 0x3f]),
  'UTF-16LE': Buffer.from(ZURICH, 'utf16le'),
  'UTF-16BE': Buffer.from(ZURICH, 'utf16le').swap16(),
  'UTF-16': Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(ZURICH, 'utf16le').swap16()])
}

eachBroker(
  'adds metadata as tb_msg_md_ headers in each supported charset, as Java encodes them',
  async (t, target) => {
    const topic = uniqueTopic('charsets')
    await target.createTopic(topic, 1)
    const metadata = { deviceName: ZURICH, ts: '1732400000000' }
    const charsets = Object.keys(HEADER_BYTES)
    for (const charset of charsets) {
      const node = await kafkaChain(t, {
        topicPattern: topic,
        bootstrapServers: target.bootstrap,
        addMetadataKeyValuesAsKafkaHeaders: true,
        kafkaHeadersCharset: charset
      })
      const [exit] = await node.run([makeMsg({ metadata, data: charset })])
      assert.equal(exit?.relation, 'Success', charset)
    }
    const ts = (charset: string): Buffer =>
      charset === 'UTF-16'
        ? Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(metadata.ts, 'utf16le').swap16()])
        : charset.startsWith('UTF-16')
          ? charset === 'UTF-16LE'
            ? Buffer.from(metadata.ts, 'utf16le')
            : Buffer.from(metadata.ts, 'utf16le').swap16()
          : Buffer.from(metadata.ts)
    const expected = charsets.map((charset, offset) => [
      offset,
      charset,
      [
        ['tb_msg_md_deviceName', HEADER_BYTES[charset]],
        ['tb_msg_md_ts', ts(charset)]
      ]
    ])
    assert.deepEqual(
      (await target.read(topic, 0)).map((r) => [r.offset, text(r.value), r.headers]),
      expected
    )
    if (target.kafka === undefined) return
    const java = await javaConsume(target.bootstrap, topic, 0, charsets.length)
    assert.deepEqual(
      java.map((r) => [
        r.offset,
        text(r.value),
        r.headers.map(([k, v]) => [k, v === null ? null : Buffer.from(v)])
      ]),
      expected
    )
  }
)

eachBroker(
  'acks 0, 1 and -1: offsets as the broker assigned them, -1 for acks 0 as Java reports',
  async (t, target) => {
    for (const [acks, fill, offsets] of [
      ['0', 0, ['-1', '-1']],
      ['1', 2, ['2', '3']],
      ['-1', 4, ['4', '5']],
      ['all', 6, ['6', '7']]
    ] as const) {
      const topic = 'acks-' + uniqueTopic()
      await target.createTopic(topic, 1)
      // Fill the log first so that offsets differ per case.
      const filler = await kafkaChain(t, { topicPattern: topic, bootstrapServers: target.bootstrap })
      await filler.run(Array.from({ length: fill }, () => makeMsg()))
      const node = await kafkaChain(t, { topicPattern: topic, acks, bootstrapServers: target.bootstrap })
      const exits = await node.run([makeMsg({ data: '"a"' }), makeMsg({ data: '"b"' })])
      assert.deepEqual(
        exits.map((e) => [e.relation, e.msg.metadata.topic, e.msg.metadata.partition, e.msg.metadata.offset]),
        offsets.map((o) => ['Success', topic, '0', o]),
        `acks ${acks}`
      )
      // acks=0 gets no answer: wait until the broker has stored the records before reading.
      await target.waitForEnd(topic, 0, fill + 2)
      assert.deepEqual(
        (await target.read(topic, 0)).slice(fill).map((r) => [r.offset, text(r.value)]),
        [
          [fill, '"a"'],
          [fill + 1, '"b"']
        ]
      )
    }
  }
)

eachBroker(
  'linger batches records into a few stored batches; every record arrives in order',
  async (t, target) => {
    const topic = uniqueTopic()
    await target.createTopic(topic, 1)
    const node = await kafkaChain(t, { topicPattern: topic, linger: 50, bootstrapServers: target.bootstrap })
    const before = target.dev?.requestCount('Produce') ?? 0
    // Pushed one by one, as the CLI does, each push awaited.
    const exits = await node.run(Array.from({ length: 100 }, (_, i) => makeMsg({ data: String(i) })))
    assert.deepEqual(
      exits.map((e) => [e.relation, Number(e.msg.metadata.offset)]),
      Array.from({ length: 100 }, (_, i) => ['Success', i])
    )
    const stored = await target.read(topic, 0)
    assert.deepEqual(
      stored.map((r) => [r.offset, text(r.value)]),
      Array.from({ length: 100 }, (_, i) => [i, String(i)])
    )
    // The broker keeps each producer batch as it came: linger 50 ms gathered the records.
    const batches = batchesOf(stored).length
    assert.ok(batches >= 1 && batches <= 5, `100 records in ${batches} batches`)
    if (target.dev !== undefined) {
      const requests = target.dev.requestCount('Produce') - before
      assert.ok(requests >= 1 && requests <= 5, `100 records in ${requests} produce requests`)
    }
  }
)

eachBroker(
  'batchSize bounds the bytes of one batch: a full batch goes out without waiting for the linger',
  async (t, target) => {
    const topic = uniqueTopic()
    await target.createTopic(topic, 1)
    const node = await kafkaChain(t, {
      topicPattern: topic,
      linger: 1000,
      batchSize: 1000,
      bootstrapServers: target.bootstrap
    })
    const before = target.dev?.requestCount('Produce') ?? 0
    const started = Date.now()
    const exits = await node.run(Array.from({ length: 20 }, () => makeMsg({ data: 'x'.repeat(400) })))
    // The last batch never fills (no third record comes): only it waits for the linger.
    const full = (node.exitedAt[17] ?? Infinity) - started
    assert.deepEqual(
      exits.map((e) => [e.relation, e.msg.metadata.offset]),
      Array.from({ length: 20 }, (_, i) => ['Success', String(i)])
    )
    assert.ok(full < 900, `the nine full batches were delivered after ${full} ms, without the linger`)
    // About 420 bytes a record: two records a batch, so ten batches.
    assert.deepEqual(
      batchesOf(await target.read(topic, 0)).map((b) => b.offsets),
      Array.from({ length: 10 }, (_, i) => [2 * i, 2 * i + 1])
    )
    if (target.dev !== undefined) assert.equal(target.dev.requestCount('Produce') - before, 10)
  }
)

for (const idempotent of [true, false]) {
  eachBroker(
    `enable.idempotence ${String(idempotent)}: exact offsets, no duplicates, ${idempotent ? 'batches stamped with a producer id and sequences from 0' : 'batches without a producer id'}`,
    async (t, target) => {
      const topic = uniqueTopic('idem')
      await target.createTopic(topic, 1)
      const node = await kafkaChain(t, {
        topicPattern: topic,
        linger: 5,
        // About 75 bytes a record: several batches.
        batchSize: 500,
        bootstrapServers: target.bootstrap,
        // An idempotent producer needs retries (Java's ConfigException otherwise).
        retries: 3,
        otherProperties: { 'enable.idempotence': String(idempotent) }
      })
      const exits = await node.run(
        Array.from({ length: 60 }, (_, i) => makeMsg({ data: `r${i}-${'x'.repeat(50)}` }))
      )
      assert.deepEqual(
        exits.map((e) => [e.relation, e.msg.data, e.msg.metadata.offset]),
        Array.from({ length: 60 }, (_, i) => ['Success', `r${i}-${'x'.repeat(50)}`, String(i)])
      )
      const stored = await target.read(topic, 0)
      assert.deepEqual(
        stored.map((r) => [r.offset, text(r.value)]),
        Array.from({ length: 60 }, (_, i) => [i, `r${i}-${'x'.repeat(50)}`])
      )
      const batches = batchesOf(stored)
      assert.ok(batches.length > 1, `${batches.length} batches`)
      const producerIds = new Set(batches.map((b) => b.producerId))
      assert.equal(producerIds.size, 1)
      for (const batch of batches) {
        // A fresh producer on a fresh partition: the sequence of a batch's first record is its offset.
        assert.deepEqual(
          [batch.producerEpoch, batch.baseSequence],
          idempotent ? [0, batch.baseOffset] : [-1, -1],
          `batch at ${batch.baseOffset}`
        )
        assert.equal(batch.producerId >= 0, idempotent)
      }
    }
  )
}

eachBroker(
  'an auto-created topic: the first message succeeds even with retries 0, at offset 0',
  async (t, target) => {
    const topic = uniqueTopic('auto')
    const node = await kafkaChain(t, { topicPattern: topic, retries: 0, bootstrapServers: target.bootstrap })
    const exits = await node.run([makeMsg({ data: 'first' }), makeMsg({ data: 'second' })])
    assert.deepEqual(
      exits.map((e) => [
        e.relation,
        e.msg.metadata.topic,
        e.msg.metadata.partition,
        e.msg.metadata.offset,
        e.msg.metadata.error
      ]),
      [
        ['Success', topic, '0', '0', undefined],
        ['Success', topic, '0', '1', undefined]
      ]
    )
    assert.deepEqual(
      (await target.read(topic, 0)).map((r) => [r.offset, text(r.value)]),
      [
        [0, 'first'],
        [1, 'second']
      ]
    )
  },
  { partitions: 1 }
)

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
    exits[0]?.msg.metadata.errorDetail ?? '',
    /^KafkaBrokerError: broker answered NOT_LEADER_OR_FOLLOWER \(6\) for topic .* partition 0/
  )
  assert.equal(
    exits[0]?.msg.metadata.error,
    'class org.apache.kafka.common.errors.NotLeaderOrFollowerException: For requests intended only for the leader, this error indicates that the broker is not the current leader. For requests intended for any replica, this error indicates that the broker is not a replica of the topic partition.'
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
    exits[0]?.msg.metadata.errorDetail ?? '',
    /^KafkaBrokerError: broker answered INVALID_TOPIC_EXCEPTION \(17\)/
  )
  assert.equal(
    exits[0]?.msg.metadata.error,
    'class org.apache.kafka.common.errors.InvalidTopicException: The request attempted to perform an operation on an invalid topic.'
  )
  assert.equal(broker.requestCount('Produce') - before, 1)
})

/** A port nothing listens on: taken from the system, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

// Not per broker: nothing answers at all.
test('routes every message to Failure when no broker is reachable, within max.block.ms', async (t) => {
  const topic = uniqueTopic()
  const node = await kafkaChain(t, {
    topicPattern: topic,
    bootstrapServers: `127.0.0.1:${await closedPort()}`,
    otherProperties: { 'max.block.ms': '500' }
  })
  const started = Date.now()
  const exits = await node.run([makeMsg(), makeMsg(), makeMsg()])
  assert.deepEqual(
    exits.map((e) => e.relation),
    ['Failure', 'Failure', 'Failure']
  )
  assert.ok(Date.now() - started < 5000, `failed after ${Date.now() - started} ms`)
  for (const exit of exits) {
    assert.match(
      exit.msg.metadata.errorDetail ?? '',
      /^KafkaTimeoutError: topic .* not present in metadata after 500 ms \(max\.block\.ms\); last error: /
    )
    assert.equal(
      exit.msg.metadata.error,
      `class org.apache.kafka.common.errors.TimeoutException: Topic ${topic} not present in metadata after 500 ms.`
    )
  }
  assert.equal(node.chain.health()[0]?.ok, false)
})

eachBroker(
  'a record larger than max.request.size goes to Failure at once, naming the limit',
  async (t, target) => {
    const topic = uniqueTopic()
    await target.createTopic(topic, 1)
    const node = await kafkaChain(t, {
      topicPattern: topic,
      bootstrapServers: target.bootstrap,
      otherProperties: { 'max.request.size': '1000' }
    })
    const exits = await node.run([makeMsg({ data: 'z'.repeat(2000) }), makeMsg({ data: 'small' })])
    assert.equal(exits[0]?.relation, 'Failure')
    assert.match(
      exits[0]?.msg.metadata.errorDetail ?? '',
      /^RecordTooLargeError: the record is \d+ bytes, more than max\.request\.size \(1000 bytes\)/
    )
    // 2000 bytes of value in a batch of its own, as Java's estimate counts it.
    assert.equal(
      exits[0]?.msg.metadata.error,
      'class org.apache.kafka.common.errors.RecordTooLargeException: The message is 2086 bytes when serialized which is larger than 1000, which is the value of the max.request.size configuration.'
    )
    assert.deepEqual([exits[1]?.relation, exits[1]?.msg.metadata.offset], ['Success', '0'])
  }
)

eachBroker(
  "a record larger than the topic's max.message.bytes: Failure with the broker's MESSAGE_TOO_LARGE; smaller records still go",
  async (t, target) => {
    const topic = uniqueTopic('too-large')
    await target.createTopic(topic, 1, { maxMessageBytes: 10_000 })
    const node = await kafkaChain(t, { topicPattern: topic, bootstrapServers: target.bootstrap })
    const exits = await node.run([makeMsg({ data: 'z'.repeat(20_000) })])
    assert.equal(exits[0]?.relation, 'Failure')
    assert.match(
      exits[0]?.msg.metadata.errorDetail ?? '',
      new RegExp(
        `^KafkaBrokerError: broker answered MESSAGE_TOO_LARGE \\(10\\) for topic ${topic} partition 0`
      )
    )
    assert.equal(
      exits[0]?.msg.metadata.error,
      'class org.apache.kafka.common.errors.RecordTooLargeException: The request included a message larger than the max message size the server will accept.'
    )
    const after = await node.run([makeMsg({ data: 'fits' })])
    assert.deepEqual(
      after.map((e) => [e.relation, e.msg.metadata.offset]),
      [['Success', '0']]
    )
    assert.deepEqual(
      (await target.read(topic, 0)).map((r) => [r.offset, text(r.value)]),
      [[0, 'fits']]
    )
  },
  { maxMessageBytes: 10_000 }
)

for (const idempotence of ['false', 'true']) {
  eachBroker(
    `a batch over the topic's max.message.bytes is split and sent again until it fits, every record delivered in order (enable.idempotence ${idempotence})`,
    async (t, target) => {
      const topic = uniqueTopic('split')
      await target.createTopic(topic, 1, { maxMessageBytes: 2_000 })
      const node = await kafkaChain(t, {
        topicPattern: topic,
        bootstrapServers: target.bootstrap,
        linger: 200,
        batchSize: 16_384,
        otherProperties: { 'enable.idempotence': idempotence, retries: '3' }
      })
      // 16 records of ~300 bytes: one ~5 KB batch, refused; halves of ~2.5 KB, refused; quarters fit.
      const messages = Array.from({ length: 16 }, (_, n) => makeMsg({ data: `${n}:${'x'.repeat(300)}` }))
      const exits = await node.run(messages)
      assert.deepEqual(
        exits.map((e) => [e.relation, e.msg.data.slice(0, 3), e.msg.metadata.offset]),
        messages.map((m, n) => ['Success', m.data.slice(0, 3), String(n)])
      )
      const stored = await target.read(topic, 0)
      assert.deepEqual(
        stored.map((r) => [r.offset, text(r.value)]),
        messages.map((m, n) => [n, m.data])
      )
      // Four batches of four records: the broker took nothing twice.
      assert.deepEqual(
        batchesOf(stored).map((b) => [b.baseOffset, b.lastOffsetDelta]),
        [
          [0, 3],
          [4, 3],
          [8, 3],
          [12, 3]
        ]
      )
    },
    { maxMessageBytes: 2_000 }
  )
}

eachBroker(
  'destroy flushes: messages held by a long linger are delivered before it returns',
  async (t, target) => {
    const topic = uniqueTopic()
    await target.createTopic(topic, 1)
    const node = await kafkaChain(t, {
      topicPattern: topic,
      linger: 60_000,
      bootstrapServers: target.bootstrap
    })
    for (let i = 0; i < 5; i++) await node.chain.push(makeMsg({ data: String(i) }))
    assert.equal(node.exits.length, 0)
    await node.chain.destroy()
    assert.deepEqual(
      node.exits.map((e) => [e.relation, e.msg.metadata.offset]),
      [0, 1, 2, 3, 4].map((o) => ['Success', String(o)])
    )
    assert.deepEqual(
      (await target.read(topic, 0)).map((r) => [r.offset, text(r.value)]),
      [0, 1, 2, 3, 4].map((o) => [o, String(o)])
    )
  }
)
