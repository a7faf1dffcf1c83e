import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Partitioner, murmur2, partitionForKey } from '../../../src/kafka/producer/partitioner.js'
import { address, startTestBroker, uniqueTopic } from '../../helpers/broker.js'
import { kafkaChain } from '../../helpers/kafka-chain.js'
import { makeMsg } from '../../helpers/messages.js'
import { runCommand } from '../../helpers/process.js'
import { seededRandom } from '../../helpers/random.js'

// Kafka's own UtilsTest.testMurmur2 vectors, computed by the Java implementation.
const JAVA_VECTORS: [string, number][] = [
  ['21', -973932308],
  ['foobar', -790332482],
  ['a-little-bit-long-string', -985981536],
  ['a-little-bit-longer-string', -1486304829],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
  ['abc', 479470107]
]

test("murmur2 gives the Java implementation's values", () => {
  for (const [input, expected] of JAVA_VECTORS) assert.equal(murmur2(Buffer.from(input)), expected, input)
})

// An independent transcription of Utils.murmur2 on BigInt, wrapping to 32 bits as Java's int does.
function referenceMurmur2(data: Uint8Array): number {
  const wrap = (v: bigint): bigint => BigInt.asIntN(32, v)
  const m = 0x5bd1e995n
  let h = wrap(0x9747b28cn ^ BigInt(data.length))
  const length4 = Math.floor(data.length / 4)
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4
    let k = wrap(
      BigInt(data[i4] as number) |
        (BigInt(data[i4 + 1] as number) << 8n) |
        (BigInt(data[i4 + 2] as number) << 16n) |
        (BigInt(data[i4 + 3] as number) << 24n)
    )
    k = wrap(k * m)
    k = wrap(k ^ (BigInt.asUintN(32, k) >> 24n))
    k = wrap(k * m)
    h = wrap(h * m)
    h = wrap(h ^ k)
  }
  const rest = data.length % 4
  const base = data.length & ~3
  if (rest >= 3) h = wrap(h ^ (BigInt(data[base + 2] as number) << 16n))
  if (rest >= 2) h = wrap(h ^ (BigInt(data[base + 1] as number) << 8n))
  if (rest >= 1) {
    h = wrap(h ^ BigInt(data[base] as number))
    h = wrap(h * m)
  }
  h = wrap(h ^ (BigInt.asUintN(32, h) >> 13n))
  h = wrap(h * m)
  h = wrap(h ^ (BigInt.asUintN(32, h) >> 15n))
  return Number(h)
}

test('murmur2 equals a BigInt transcription of the Java code on random byte strings', () => {
  const random = seededRandom(7)
  for (let n = 0; n < 2000; n++) {
    const bytes = Uint8Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 256))
    assert.equal(murmur2(bytes), referenceMurmur2(bytes), Buffer.from(bytes).toString('hex'))
  }
})

test('partitionForKey is (murmur2 & 0x7fffffff) % n', () => {
  assert.equal(partitionForKey(Buffer.from('21'), 7), (-973932308 & 0x7fffffff) % 7)
  assert.equal(partitionForKey(Buffer.from('foobar'), 3), (-790332482 & 0x7fffffff) % 3)
})

test('keyless records stick to a partition until its batch closes, then move on', () => {
  const partitioner = new Partitioner()
  const first = partitioner.partition('t', undefined, 4)
  assert.equal(partitioner.partition('t', undefined, 4), first)
  partitioner.batchClosed('t', first, 4)
  assert.equal(partitioner.partition('t', undefined, 4), (first + 1) % 4)
})

test('the node puts 1,000 keys on the same partitions as kcat with partitioner=murmur2, over 7 partitions', async (t) => {
  const broker = await startTestBroker(t)
  const kcatTopic = uniqueTopic('kcat')
  const nodeTopic = uniqueTopic('node')
  broker.createTopic(kcatTopic, 7)
  broker.createTopic(nodeTopic, 7)
  const keys = Array.from({ length: 1000 }, (_, i) => `device-${i}-${(i * 7919) % 1000}`)
  const kcat = await runCommand(
    'kcat',
    ['-P', '-b', address(broker), '-t', kcatTopic, '-K', '\t', '-X', 'partitioner=murmur2'],
    keys.map((key) => `${key}\tv`).join('\n') + '\n'
  )
  assert.equal(kcat.status, 0, kcat.stderr)
  const kcatPartition = new Map<string, number>()
  for (let p = 0; p < 7; p++)
    for (const record of broker.records(kcatTopic, p)) kcatPartition.set(String(record.key), p)
  assert.equal(kcatPartition.size, 1000)
  const node = await kafkaChain(t, {
    topicPattern: nodeTopic,
    keyPattern: '${k}',
    bootstrapServers: address(broker)
  })
  const exits = await node.run(keys.map((k) => makeMsg({ metadata: { k } })))
  assert.equal(exits.length, 1000)
  for (const exit of exits) {
    const key = exit.msg.metadata.k as string
    assert.equal(exit.relation, 'Success')
    assert.equal(Number(exit.msg.metadata.partition), kcatPartition.get(key), key)
  }
})
