import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { runOracle } from '../../reference/oracle/oracle.js'
import { javaUtf8Text } from '../../src/nodes/kafka/charset.js'
import { KeyBytes, Partitioner, partitionForKey } from '../../src/kafka/producer/partitioner.js'
import { kafkaChain } from '../helpers/kafka-chain.js'
import { makeMsg } from '../helpers/messages.js'
import { pick, randomBytes, seededRandom } from '../helpers/random.js'
import { referenceKafka } from '../helpers/reference-kafka.js'

// Apache Kafka's Java client (kafka-clients 4.1.1, what ThingsBoard's TbKafkaNode runs on) is the
// oracle: for the same keys it picks the partitions, for the same records it writes what the node
// must write. Anything the node does differently is a bug of the node.

const COUNTS = Array.from({ length: 64 }, (_, i) => i + 1)
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64')

// Lone surrogates can sit in a JS string as in a Java String (a JSON "\ud800" escape gives one);
// Java's UTF-8 encoder writes each as '?'.
const LONE_SURROGATES = ['\ud800', 'a\udc00b', 'x\ud83d', '\udfff\ud800', 'ok 🙂 \ud83d end']

/** Keys as the node sees them (strings from the key pattern): ASCII, multi-byte, empty, long, random. */
function textKeys(): string[] {
  const random = seededRandom(0x0acc1e)
  const fixed = ['', ' ', 'a', 'Ü', 'ü', 'é', 'ß', '日本', '日本語のキー', '🙂', '👍🏽', '𝄞', 'Ωμέγα', 'ключ']
  const keys = [...fixed, ...LONE_SURROGATES]
  const alphabet = [
    'a',
    'Z',
    '0',
    '-',
    '_',
    ':',
    '/',
    'Ü',
    'é',
    '日',
    '本',
    '€',
    '🙂',
    '𝄞',
    '\u0000',
    '\u007f'
  ]
  for (let i = 0; i < 3000; i++) keys.push(`device-${i}`)
  for (let i = 0; i < 2000; i++) {
    const length = Math.floor(random() * 40)
    keys.push(Array.from({ length }, () => pick(random, alphabet)).join(''))
  }
  // Random UTF-16 code units: every plane, surrogates paired or not.
  for (let i = 0; i < 500; i++) {
    const length = 1 + Math.floor(random() * 12)
    keys.push(String.fromCharCode(...Array.from({ length }, () => Math.floor(random() * 0x10000))))
  }
  for (const length of [64, 255, 256, 257, 1000, 4096, 10_000]) {
    keys.push('k'.repeat(length), 'Ü'.repeat(length), `${'日本'.repeat(length)}!`)
  }
  return keys
}

/** Keys as raw bytes (the partitioner hashes bytes): lengths 0..32 hit every murmur2 tail case. */
function byteKeys(): Uint8Array[] {
  const keys: Uint8Array[] = []
  for (let i = 0; i < 5000; i++) keys.push(Uint8Array.from(randomBytes(7_000 + i, i % 33)))
  for (const length of [100, 1023, 4097]) keys.push(Uint8Array.from(randomBytes(length, length)))
  return keys
}

interface PartitionAnswer {
  key: string
  partitions: number[]
}

test("every key lands on the Java producer's partition, for each partition count 1..64", async () => {
  const texts = textKeys()
  const bytes = byteKeys()
  assert.ok(texts.length + bytes.length >= 10_000)
  const answers = await runOracle<PartitionAnswer>('partition', {}, [
    ...texts.map((keyText) => ({ keyText, partitions: COUNTS })),
    ...bytes.map((key) => ({ key: b64(key), partitions: COUNTS }))
  ])
  assert.equal(answers.length, texts.length + bytes.length)

  // Text keys take the node's own path (onMsg): Java's UTF-8 text, made bytes by KeyBytes,
  // placed by the Partitioner.
  const keyBytes = new KeyBytes()
  const partitioner = new Partitioner()
  const mismatches: string[] = []
  texts.forEach((text, i) => {
    const java = answers[i] as PartitionAnswer
    const key = javaUtf8Text(text)
    const view = keyBytes.of(key, Buffer.byteLength(key, 'utf8'))
    const ours = b64(view.bytes.subarray(0, view.length))
    if (ours !== java.key) mismatches.push(`${JSON.stringify(text)}: bytes ${ours}, Java's ${java.key}`)
    for (const count of COUNTS) {
      const partition = partitioner.partition('t', view, count)
      if (partition !== java.partitions[count - 1]) {
        mismatches.push(
          `${JSON.stringify(text)} of ${count}: ${partition}, Java's ${java.partitions[count - 1]}`
        )
      }
    }
  })
  bytes.forEach((key, i) => {
    const java = answers[texts.length + i] as PartitionAnswer
    assert.equal(java.key, b64(key))
    for (const count of COUNTS) {
      const partition = partitionForKey(key, count)
      if (partition !== java.partitions[count - 1]) {
        mismatches.push(`bytes ${b64(key)} of ${count}: ${partition}, Java's ${java.partitions[count - 1]}`)
      }
    }
  })
  assert.deepEqual(mismatches.slice(0, 20), [], `${mismatches.length} disagreements with Java`)
})

/** A record as the oracle's consumer read it. */
interface StoredRecord {
  topic: string
  partition: number
  offset: number
  key: string | null
  value: string | null
  headers: [string, string][]
  timestamp: number
  timestampType: string
}

interface Sample {
  key: string | undefined
  data: string
  metadata: Record<string, string>
}

// What a device's messages carry: keys ASCII, non-ASCII and empty; values JSON, non-ASCII and
// empty; metadata (headers) with non-ASCII and characters that Latin-1 cannot hold.
function samples(keyed: boolean): Sample[] {
  const keys = ['T1', 'Ü', '日本', '🙂', '', 'thermostat-42', 'ключ', `long-${'x'.repeat(300)}`, 'a\ud800b']
  return Array.from({ length: 36 }, (_, i) => {
    const key = keyed ? (keys[i % keys.length] as string) : undefined
    return {
      key,
      data: [`{"n":${i},"t":21.5}`, `"Grüße ${i} 日本 🙂"`, '', `{"n":${i},"s":"lone \udc00"}`][
        i % 4
      ] as string,
      // The node's key pattern reads `k`; it is a header like any other entry.
      metadata: {
        deviceName: `T${i}`,
        deviceType: i % 2 === 0 ? 'thermostat' : 'Thermostat Ü',
        label: ['plain', 'Grüße', '日本 🙂', '', 'cost €5', 'bad \ud800'][i % 6] as string,
        seq: String(i),
        ...(key === undefined ? {} : { k: key })
      }
    }
  })
}

// One node configuration per case, each with a topic of its own and a Java twin topic.
const CASES = [
  { name: 'keyed, UTF-8 headers', keyed: true, charset: 'UTF-8' },
  { name: 'keyless, UTF-8 headers', keyed: false, charset: 'UTF-8' },
  { name: 'keyed, UTF-16 headers', keyed: true, charset: 'UTF-16' },
  { name: 'keyed, ISO-8859-1 headers', keyed: true, charset: 'ISO-8859-1' }
] as const
const PARTITIONS = 4

test('the node writes the records the Java producer writes: keys, values, headers, partitions, timestamps', async (t) => {
  const { bootstrap } = await referenceKafka()
  const run = randomUUID().slice(0, 8)
  const cases = CASES.map((c, i) => ({
    ...c,
    javaTopic: `oracle-java-${run}-${i}`,
    nodeTopic: `oracle-node-${run}-${i}`,
    samples: samples(c.keyed)
  }))
  await runOracle('create-topic', {
    bootstrap,
    partitions: PARTITIONS,
    topic: cases.flatMap((c) => [c.javaTopic, c.nodeTopic])
  })

  // The Java side: ThingsBoard's record for each message (StringSerializer key and value,
  // metadata headers in the case's charset), all from one KafkaProducer.
  const javaStart = Date.now()
  const javaAnswers = await runOracle<{
    partition: number
    offset: number
    timestamp: number
    error?: string
  }>(
    'produce',
    { bootstrap },
    cases.flatMap((c) =>
      c.samples.map((s) => ({
        topic: c.javaTopic,
        ...(s.key === undefined ? {} : { keyText: s.key }),
        valueText: s.data,
        metadata: Object.entries(s.metadata),
        charset: c.charset
      }))
    )
  )
  const javaSent = cases.map((c, i) => javaAnswers.slice(i * c.samples.length, (i + 1) * c.samples.length))
  const javaEnd = Date.now()

  // The node's side: the same messages through a chain with the Kafka node.
  const nodeStart = Date.now()
  const nodeExits = await Promise.all(
    cases.map(async (c) => {
      const chain = await kafkaChain(t, {
        topicPattern: c.nodeTopic,
        ...(c.keyed ? { keyPattern: '${k}' } : {}),
        bootstrapServers: bootstrap,
        addMetadataKeyValuesAsKafkaHeaders: true,
        kafkaHeadersCharset: c.charset
      })
      return chain.run(c.samples.map((s) => makeMsg({ data: s.data, metadata: s.metadata })))
    })
  )
  const nodeEnd = Date.now()

  const stored = await runOracle<StoredRecord>('consume', {
    bootstrap,
    topic: cases.flatMap((c) => [c.javaTopic, c.nodeTopic])
  })
  const byTopic = (topic: string): StoredRecord[] => stored.filter((r) => r.topic === topic)

  cases.forEach((c, i) => {
    const sent = javaSent[i] ?? []
    assert.deepEqual(
      sent.filter((s) => s.error !== undefined),
      [],
      `${c.name}: the Java producer failed`
    )
    const java = byTopic(c.javaTopic)
    const node = byTopic(c.nodeTopic)
    assert.equal(java.length, c.samples.length, c.name)
    assert.equal(node.length, c.samples.length, c.name)

    // The node's Success metadata names where the record is, as Java's RecordMetadata does.
    const exits = nodeExits[i] ?? []
    assert.deepEqual(
      exits.map((e) => e.relation),
      c.samples.map(() => 'Success'),
      c.name
    )
    // Exits come in completion order; metadata `seq` says which message each one is.
    const placed = c.samples.map((_, n) => {
      const exit = exits.find((e) => e.msg.metadata.seq === String(n))
      assert.equal(exit?.msg.metadata.topic, c.nodeTopic, `${c.name}, message ${n}: Success topic`)
      return { partition: Number(exit?.msg.metadata.partition), offset: Number(exit?.msg.metadata.offset) }
    })
    const where = (p: { partition: number; offset: number }): string => `${p.partition}/${p.offset}`
    assert.deepEqual(
      placed.map(where).sort(),
      node.map(where).sort(),
      `${c.name}: Success metadata vs stored records`
    )

    // Each record, matched by its message, is byte for byte the Java producer's.
    const recordOf = (
      stored: StoredRecord[],
      offsetOf: (n: number) => { partition: number; offset: number }
    ) =>
      c.samples.map((_, n) => {
        const at = offsetOf(n)
        return stored.find((r) => r.partition === at.partition && r.offset === at.offset) as StoredRecord
      })
    const javaRecords = recordOf(java, (n) => sent[n] as { partition: number; offset: number })
    const nodeRecords = recordOf(node, (n) => placed[n] as { partition: number; offset: number })
    c.samples.forEach((s, n) => {
      const j = javaRecords[n] as StoredRecord
      const o = nodeRecords[n] as StoredRecord
      const label = `${c.name}, message ${n} (key ${JSON.stringify(s.key)})`
      assert.ok(j !== undefined && o !== undefined, label)
      assert.equal(o.key, j.key, `${label}: key bytes`)
      assert.equal(o.value, j.value, `${label}: value bytes`)
      assert.deepEqual(o.headers, j.headers, `${label}: headers`)
      assert.equal(o.timestampType, 'CreateTime', label)
      assert.equal(j.timestampType, 'CreateTime', label)
      // No timestamp on ThingsBoard's ProducerRecord: the producer stamps it at send().
      assert.ok(
        j.timestamp >= javaStart && j.timestamp <= javaEnd,
        `${label}: Java's timestamp ${j.timestamp}`
      )
      assert.ok(
        o.timestamp >= nodeStart && o.timestamp <= nodeEnd,
        `${label}: node's timestamp ${o.timestamp}`
      )
      if (c.keyed) assert.equal(o.partition, j.partition, `${label}: partition`)
    })
    if (c.keyed) {
      // Same keys in the same order: the same offsets in each partition.
      assert.deepEqual(nodeRecords.map(where), javaRecords.map(where), `${c.name}: partitions and offsets`)
    }
  })
})
