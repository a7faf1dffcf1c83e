import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CompressionTypes, Kafka, logLevel } from 'kafkajs'
import { Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka'
import { USERS } from '../../reference/kafka/cluster.js'
import { testCa } from '../../reference/kafka/test-ca.js'
import { eachBroker } from '../helpers/broker-targets.js'
import { uniqueTopic } from '../helpers/broker.js'
import { kcatConsume } from '../helpers/kcat.js'
import { runCommand } from '../helpers/process.js'

// Each test runs against the development broker and Apache Kafka with the same body; only the
// setup differs (topics are created first, with the partitions the test needs).

eachBroker(
  'kcat produces keyed records with headers and kcat consumes them back exactly',
  async (_t, target) => {
    const topic = uniqueTopic('kcat')
    await target.createTopic(topic, 1)
    const produced = await runCommand(
      'kcat',
      ['-P', '-b', target.bootstrap, '-t', topic, '-K', ':', '-H', 'source=kcat', '-H', 'n=1'],
      'k1:v1\nk2:v2\nk3:{"t":21.5}\n'
    )
    assert.equal(produced.status, 0, produced.stderr)
    assert.deepEqual(await kcatConsume(target.bootstrap, topic, 'all', '%t|%p|%o|%k|%s|%h'), [
      `${topic}|0|0|k1|v1|source=kcat,n=1`,
      `${topic}|0|1|k2|v2|source=kcat,n=1`,
      `${topic}|0|2|k3|{"t":21.5}|source=kcat,n=1`
    ])
    const latest = await runCommand('kcat', ['-Q', '-b', target.bootstrap, '-t', `${topic}:0:-1`])
    assert.equal(latest.stdout.trim(), `${topic} [0] offset 3`)
  }
)

eachBroker(
  'kafkajs produces with gzip and two consumers of one group share the partitions, each record once',
  async (t, target) => {
    const topic = uniqueTopic('kafkajs')
    await target.createTopic(topic, 4)
    const kafka = new Kafka({ brokers: [target.bootstrap], logLevel: logLevel.NOTHING })
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
    const partitions = await Promise.all([0, 1, 2, 3].map((p) => target.read(topic, p)))
    const stored = partitions.flatMap((records) =>
      records.map((r) => [r.key?.toString(), r.value?.toString(), r.headers[0]?.[1]?.toString()])
    )
    assert.deepEqual(stored.sort(), messages.map((m) => [m.key, m.value, m.headers.i]).sort())

    const received: { consumer: number; partition: number; offset: string; key: string }[] = []
    const consumers = [kafka.consumer({ groupId: topic }), kafka.consumer({ groupId: topic })]
    t.after(() => Promise.all(consumers.map((c) => c.disconnect())))
    // A consumer that fails to connect or join rejects `done`, failing the test at once instead of
    // leaving it to time out.
    const done = new Promise<void>((resolve, reject) => {
      consumers.forEach((consumer, index) => {
        consumer
          .connect()
          .then(() => consumer.subscribe({ topic, fromBeginning: true }))
          .then(() =>
            consumer.run({
              eachMessage: async ({ partition, message }) => {
                received.push({
                  consumer: index,
                  partition,
                  offset: message.offset,
                  key: String(message.key)
                })
                if (received.length === 40) resolve()
              }
            })
          )
          .catch(reject)
      })
    })
    await done
    assert.deepEqual(received.map((r) => r.key).sort(), messages.map((m) => m.key).sort())
    for (const r of received) {
      const record = partitions[r.partition]?.find((s) => s.offset === Number(r.offset))
      assert.equal(record?.key?.toString(), r.key)
    }
    // Each partition was read by exactly one consumer.
    const owners = new Map<number, Set<number>>()
    for (const r of received) owners.set(r.partition, (owners.get(r.partition) ?? new Set()).add(r.consumer))
    for (const set of owners.values()) assert.equal(set.size, 1)
  }
)

eachBroker(
  '@platformatic/kafka produces idempotently with exact offsets and its consumer reads them back',
  async (t, target) => {
    const topic = uniqueTopic('platformatic')
    await target.createTopic(topic, 2)
    const producer = new Producer({
      clientId: 'test',
      bootstrapBrokers: target.bootstrap.split(','),
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
      (await target.read(topic, 1)).map((r) => [r.offset, r.key?.toString(), r.value?.toString()]),
      [
        [0, 'a', '1'],
        [1, 'b', '2'],
        [2, 'c', '3']
      ]
    )
    const consumer = new Consumer({
      groupId: topic,
      clientId: 'reader',
      bootstrapBrokers: target.bootstrap.split(','),
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
  }
)

// The development broker gets the users and a CA-signed certificate of the same kind as our
// Apache Kafka's, so that one test body serves both.
const devCa = testCa(mkdtempSync(join(tmpdir(), 'krn-dev-ca-')))
const pemBlocks = (pem: string, kind: RegExp): string =>
  (pem.match(/-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----/g) ?? [])
    .filter((b) => kind.test(b))
    .join('\n')
const devKeyStore = readFileSync(devCa.brokerKeyStorePath, 'utf8')
const secureDev = {
  saslUsers: {
    [USERS.plain.username]: USERS.plain.password,
    [USERS.scram.username]: USERS.scram.password
  },
  tls: { cert: pemBlocks(devKeyStore, /CERTIFICATE/), key: pemBlocks(devKeyStore, /PRIVATE KEY/) }
}

eachBroker(
  'SCRAM-SHA-512 over TLS: kafkajs with the right password produces, with the wrong one it is refused; kcat (librdkafka 2.0.2) is refused',
  async (t, target) => {
    if (target.dev === undefined && target.kafka === undefined) return t.skip('needs our users and CA')
    const bootstrap = target.kafka?.bootstrap('SASL_SSL') ?? target.bootstrap
    const caPath = target.kafka?.tls.caPath ?? devCa.caPath
    const topic = uniqueTopic('scram')
    await target.createTopic(topic, 1)
    const client = (password: string): Kafka =>
      new Kafka({
        brokers: bootstrap.split(','),
        logLevel: logLevel.NOTHING,
        retry: { retries: 0 },
        ssl: { ca: [readFileSync(caPath, 'utf8')] },
        sasl: { mechanism: 'scram-sha-512', username: USERS.scram.username, password }
      })
    const producer = client(USERS.scram.password).producer()
    await producer.connect()
    await producer.send({ topic, messages: [{ value: 'hello' }] })
    await producer.disconnect()
    const admin = client(USERS.scram.password).admin()
    await admin.connect()
    const offsets = async (): Promise<string[]> =>
      (await admin.fetchTopicOffsets(topic)).map((o) => `${o.partition}:${o.high}`)
    assert.deepEqual(await offsets(), ['0:1'])

    const wrong = client('wrong').producer()
    await assert.rejects(wrong.connect(), { name: 'KafkaJSSASLAuthenticationError' })

    // librdkafka before 2.6.1 repeats its nonce in the SCRAM client-final message; Kafka 4 refuses
    // that (RFC 5802 5.1), and so does the development broker.
    const kcat = await runCommand(
      'kcat',
      [
        '-P',
        '-b',
        bootstrap,
        '-t',
        topic,
        '-X',
        'security.protocol=SASL_SSL',
        '-X',
        'sasl.mechanisms=SCRAM-SHA-512',
        '-X',
        `sasl.username=${USERS.scram.username}`,
        '-X',
        `sasl.password=${USERS.scram.password}`,
        '-X',
        `ssl.ca.location=${caPath}`,
        '-X',
        'message.timeout.ms=3000'
      ],
      'from kcat\n'
    )
    assert.match(kcat.stderr, /Authentication failed during authentication due to invalid credentials/)
    assert.deepEqual(await offsets(), ['0:1'])
    await admin.disconnect()
  },
  secureDev
)
