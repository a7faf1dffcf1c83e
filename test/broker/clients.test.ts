import { test } from 'node:test'
import assert from 'node:assert/strict'
import { CompressionTypes, Kafka, logLevel } from 'kafkajs'
import { Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka'
import { address, startTestBroker, uniqueTopic } from '../helpers/broker.js'
import { runCommand } from '../helpers/process.js'
import { testCertificate } from '../helpers/tls.js'

const kcatFormat = ['-f', '%t|%p|%o|%k|%s|%h\\n']

test('kcat produces keyed records with headers and kcat consumes them back exactly', async (t) => {
  const broker = await startTestBroker(t, { partitions: 1 })
  const topic = uniqueTopic('kcat')
  const produced = await runCommand(
    'kcat',
    ['-P', '-b', address(broker), '-t', topic, '-K', ':', '-H', 'source=kcat', '-H', 'n=1'],
    'k1:v1\nk2:v2\nk3:{"t":21.5}\n'
  )
  assert.equal(produced.status, 0, produced.stderr)
  const consumed = await runCommand('kcat', [
    '-C',
    '-b',
    address(broker),
    '-t',
    topic,
    '-o',
    'beginning',
    '-e',
    '-q',
    ...kcatFormat
  ])
  assert.equal(consumed.status, 0, consumed.stderr)
  assert.deepEqual(consumed.stdout.trimEnd().split('\n'), [
    `${topic}|0|0|k1|v1|source=kcat,n=1`,
    `${topic}|0|1|k2|v2|source=kcat,n=1`,
    `${topic}|0|2|k3|{"t":21.5}|source=kcat,n=1`
  ])
  const latest = await runCommand('kcat', ['-Q', '-b', address(broker), '-t', `${topic}:0:-1`])
  assert.equal(latest.stdout.trim(), `${topic} [0] offset 3`)
})

test('kafkajs produces with gzip and two consumers of one group share the partitions, each record once', async (t) => {
  const broker = await startTestBroker(t, { partitions: 4 })
  const topic = uniqueTopic('kafkajs')
  const kafka = new Kafka({ brokers: [address(broker)], logLevel: logLevel.NOTHING })
  const producer = kafka.producer()
  await producer.connect()
  const messages = Array.from({ length: 40 }, (_, i) => ({
    key: `key-${i}`,
    value: `value-${i}`,
    headers: { i: String(i) }
  }))
  const sent = await producer.send({ topic, compression: CompressionTypes.GZIP, messages })
  await producer.disconnect()
  assert.equal(sent.reduce((n, r) => n + Number(r.baseOffset), 0) >= 0, true)
  const stored = [0, 1, 2, 3].flatMap((p) =>
    broker
      .records(topic, p)
      .map((r) => [r.key?.toString(), r.value?.toString(), r.headers[0]?.[1]?.toString()])
  )
  assert.deepEqual(stored.sort(), messages.map((m) => [m.key, m.value, m.headers.i]).sort())

  const received: { consumer: number; partition: number; offset: string; key: string }[] = []
  const consumers = [kafka.consumer({ groupId: topic }), kafka.consumer({ groupId: topic })]
  t.after(() => Promise.all(consumers.map((c) => c.disconnect())))
  const done = new Promise<void>((resolve) => {
    consumers.forEach(async (consumer, index) => {
      await consumer.connect()
      await consumer.subscribe({ topic, fromBeginning: true })
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          received.push({ consumer: index, partition, offset: message.offset, key: String(message.key) })
          if (received.length === 40) resolve()
        }
      })
    })
  })
  await done
  assert.deepEqual(received.map((r) => r.key).sort(), messages.map((m) => m.key).sort())
  for (const r of received) {
    const record = broker.records(topic, r.partition).find((s) => s.offset === Number(r.offset))
    assert.equal(record?.key?.toString(), r.key)
  }
  // Each partition was read by exactly one consumer.
  const owners = new Map<number, Set<number>>()
  for (const r of received) owners.set(r.partition, (owners.get(r.partition) ?? new Set()).add(r.consumer))
  for (const set of owners.values()) assert.equal(set.size, 1)
})

test('@platformatic/kafka produces idempotently with exact offsets and its consumer reads them back', async (t) => {
  const broker = await startTestBroker(t, { partitions: 2 })
  const topic = uniqueTopic('platformatic')
  const producer = new Producer({
    clientId: 'test',
    bootstrapBrokers: [address(broker)],
    idempotent: true,
    autocreateTopics: true,
    serializers: stringSerializers
  })
  t.after(() => producer.close())
  const first = await producer.send({
    messages: [
      { topic, partition: 1, key: 'a', value: '1' },
      { topic, partition: 1, key: 'b', value: '2' }
    ]
  })
  const second = await producer.send({ messages: [{ topic, partition: 1, key: 'c', value: '3' }] })
  assert.deepEqual(first.offsets, [{ topic, partition: 1, offset: 0n }])
  assert.deepEqual(second.offsets, [{ topic, partition: 1, offset: 2n }])
  assert.deepEqual(
    broker.records(topic, 1).map((r) => [r.offset, r.key?.toString(), r.value?.toString()]),
    [
      [0, 'a', '1'],
      [1, 'b', '2'],
      [2, 'c', '3']
    ]
  )
  const consumer = new Consumer({
    groupId: topic,
    clientId: 'reader',
    bootstrapBrokers: [address(broker)],
    deserializers: stringDeserializers
  })
  const stream = await consumer.consume({ topics: [topic], mode: 'earliest', maxWaitTime: 100 })
  const got: [number, bigint, string, string][] = []
  for await (const message of stream) {
    got.push([message.partition, message.offset, message.key, message.value])
    if (got.length === 3) break
  }
  await stream.close()
  await consumer.close(true)
  assert.deepEqual(got, [
    [1, 0n, 'a', '1'],
    [1, 1n, 'b', '2'],
    [1, 2n, 'c', '3']
  ])
})

test('SCRAM-SHA-512 over TLS: kcat with the right password produces, with the wrong one it is refused', async (t) => {
  const { cert, key, certPath } = testCertificate()
  const broker = await startTestBroker(t, {
    partitions: 1,
    tls: { cert, key },
    saslUsers: { alice: 's3cret' }
  })
  const topic = uniqueTopic('scram')
  const kcat = (password: string): Promise<{ status: number | null; stderr: string }> =>
    runCommand(
      'kcat',
      [
        '-P',
        '-b',
        `localhost:${broker.port}`,
        '-t',
        topic,
        '-X',
        'security.protocol=SASL_SSL',
        '-X',
        'sasl.mechanisms=SCRAM-SHA-512',
        '-X',
        'sasl.username=alice',
        '-X',
        `sasl.password=${password}`,
        '-X',
        `ssl.ca.location=${certPath}`,
        '-X',
        'message.timeout.ms=3000'
      ],
      'hello\n'
    )
  const good = await kcat('s3cret')
  assert.equal(good.status, 0, good.stderr)
  assert.deepEqual(
    broker.records(topic, 0).map((r) => r.value?.toString()),
    ['hello']
  )
  const bad = await kcat('wrong')
  assert.notEqual(bad.status, 0)
  assert.match(bad.stderr, /SASL authentication (error|failed)|Authentication failed/i)
  assert.equal(broker.highWatermark(topic, 0), 1)
})
