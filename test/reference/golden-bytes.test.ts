import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import * as zlib from 'node:zlib'
import { compressionsAlgorithms } from '@platformatic/kafka'
import { runOracle } from '../../reference/oracle/oracle.js'
import { headerEncoding, javaUtf8Text } from '../../src/nodes/kafka/charset.js'
import { MetadataHeaders } from '../../src/nodes/kafka/metadata-headers.js'
import {
  encodeProduceRequest,
  PRODUCE_VERSIONS,
  type ProduceVersion
} from '../../src/kafka/producer/produce-request.js'
import {
  encodeRecordBatch,
  NO_PRODUCER,
  type BatchRecord,
  type Compression,
  type ProducerStamp
} from '../../src/kafka/producer/record-batch.js'

// Golden bytes: for the same records, the node's RecordBatch and Produce request must be the bytes
// Apache Kafka's Java producer (kafka-clients 4.1.1) writes, byte for byte. The oracle builds them
// with kafka-clients' own MemoryRecordsBuilder and ProduceRequestData (Golden.java), from records
// made as ThingsBoard's TbKafkaNode makes them.

interface Rec {
  readonly key?: string
  readonly value: string
  readonly metadata?: Readonly<Record<string, string>>
  readonly timestamp: number
}

interface GoldenBatch {
  readonly topic: string
  readonly partition: number
  readonly records: readonly Rec[]
  readonly producer?: ProducerStamp
  readonly compression?: Compression
  readonly charset?: string
}

interface GoldenCase {
  readonly name: string
  readonly version: ProduceVersion
  readonly acks: number
  readonly timeoutMs: number
  readonly batches: readonly GoldenBatch[]
}

interface GoldenAnswer {
  readonly batches: string[]
  readonly request: string
}

const T = 1_732_400_000_000
const one = (topic: string, records: Rec[], more: Partial<GoldenBatch> = {}): GoldenBatch[] => [
  { topic, partition: 0, records, ...more }
]
const idempotent: ProducerStamp = { producerId: 4711n, producerEpoch: 3, baseSequence: 42 }

const CASES: GoldenCase[] = [
  {
    name: 'one record, no key',
    version: 9,
    acks: -1,
    timeoutMs: 30000,
    batches: one('t', [{ value: 'a', timestamp: T }])
  },
  {
    name: 'a key and a JSON value',
    version: 9,
    acks: -1,
    timeoutMs: 30000,
    batches: one('telemetry', [{ key: 'device-1', value: '{"temperature":21.5}', timestamp: T }])
  },
  {
    name: 'an empty key and an empty value',
    version: 9,
    acks: 1,
    timeoutMs: 1500,
    batches: one('t', [{ key: '', value: '', timestamp: T }])
  },
  {
    name: 'metadata headers with non-ASCII names and values (UTF-8)',
    version: 9,
    acks: -1,
    timeoutMs: 30000,
    batches: one('t', [
      {
        key: 'ключ',
        value: 'température 21,5 °C ✓',
        metadata: { deviceName: 'Thermostat Küche', größe: '日本語', empty: '', emoji: '🙂 👍🏽' },
        timestamp: T
      }
    ])
  },
  {
    name: 'metadata headers in ISO-8859-1 and UTF-16 (BOM, big-endian), as String.getBytes writes them',
    version: 9,
    acks: -1,
    timeoutMs: 30000,
    batches: [
      {
        topic: 't',
        partition: 0,
        charset: 'ISO-8859-1',
        records: [{ value: 'v', metadata: { a: 'Küche', b: 'x' }, timestamp: T }]
      },
      {
        topic: 't',
        partition: 1,
        charset: 'UTF-16',
        records: [{ value: 'v', metadata: { a: 'Küche 🙂' }, timestamp: T }]
      }
    ]
  },
  {
    name: 'lone surrogates in key, value and header values become "?" as the StringSerializer writes them',
    version: 9,
    acks: -1,
    timeoutMs: 30000,
    batches: one('t', [{ key: 'a\ud800b', value: 'x\udc00', metadata: { k: 'y\ud83d' }, timestamp: T }])
  },
  {
    name: 'several records with timestamp deltas: zero, negative, past 32 bits',
    version: 9,
    acks: -1,
    timeoutMs: 30000,
    batches: one('t', [
      { key: 'k0', value: 'first', timestamp: T },
      { key: 'k1', value: 'same ms', timestamp: T },
      { value: 'earlier', timestamp: T - 5 },
      { key: 'k3', value: 'later', timestamp: T + 1234 },
      { key: 'k4', value: 'much later', timestamp: T + 2 ** 33 + 7 }
    ])
  },
  {
    name: 'an idempotent producer: producer id, epoch and base sequence; not transactional',
    version: 9,
    acks: -1,
    timeoutMs: 30000,
    batches: one(
      't',
      [
        { key: 'a', value: '1', timestamp: T },
        { key: 'b', value: '2', timestamp: T + 1 }
      ],
      { producer: idempotent }
    )
  },
  {
    name: 'an idempotent producer with a large id and the highest epoch and sequence',
    version: 9,
    acks: -1,
    timeoutMs: 30000,
    batches: one('t', [{ value: 'x', timestamp: T }], {
      producer: { producerId: 2n ** 53n + 1n, producerEpoch: 32767, baseSequence: 2 ** 31 - 1 }
    })
  },
  {
    name: 'a value long enough for multi-byte lengths (300 bytes)',
    version: 9,
    acks: -1,
    timeoutMs: 30000,
    batches: one('t', [{ key: 'k'.repeat(130), value: 'v'.repeat(300), timestamp: T }])
  }
]

// The Produce request around the batches: several topics and partitions, each version the node
// sends, each acks.
const MULTI: GoldenBatch[] = [
  { topic: 'alpha', partition: 2, records: [{ key: 'a', value: '1', timestamp: T }], producer: idempotent },
  {
    topic: 'beta',
    partition: 0,
    records: [{ value: 'b', timestamp: T + 1 }],
    producer: { ...idempotent, baseSequence: 7 }
  },
  {
    topic: 'alpha',
    partition: 0,
    records: [{ key: 'c', value: 'ç', timestamp: T + 2 }],
    producer: { ...idempotent, baseSequence: 0 }
  },
  { topic: 'ünïcode-topic', partition: 5, records: [{ value: 'd', timestamp: T + 3 }], producer: idempotent }
]
for (const version of PRODUCE_VERSIONS) {
  for (const acks of [-1, 1, 0]) {
    CASES.push({
      name: `a Produce v${version} request, acks ${acks}, four batches over three topics`,
      version,
      acks,
      timeoutMs: 30000,
      batches: MULTI
    })
  }
  CASES.push({
    name: `a Produce v${version} request, one batch without producer`,
    version,
    acks: -1,
    timeoutMs: 120000,
    batches: one('t', [{ value: 'a', timestamp: T }])
  })
}

const COMPRESSED: GoldenBatch[] = (['gzip', 'snappy', 'lz4', 'zstd'] as const).map((compression) => ({
  topic: 't',
  partition: 0,
  compression,
  producer: idempotent,
  records: [
    { key: 'k', value: '{"temperature":21.5}'.repeat(20), metadata: { deviceName: 'T1' }, timestamp: T },
    { value: 'second', timestamp: T + 9 }
  ]
}))

/** A record as the Kafka node builds it (kafka-node.ts): StringSerializer text, measured headers. */
function nodeRecord(record: Rec, headers: MetadataHeaders): BatchRecord {
  const key = record.key === undefined ? undefined : javaUtf8Text(record.key)
  const value = javaUtf8Text(record.value)
  const headerBytes = record.metadata === undefined ? 1 : headers.measure(record.metadata)
  return {
    key,
    keyBytes: key === undefined ? 0 : Buffer.byteLength(key),
    value,
    valueBytes: Buffer.byteLength(value),
    headers: record.metadata,
    headerCount: record.metadata === undefined ? 0 : headers.lastCount,
    headerBytes,
    timestamp: record.timestamp
  }
}

function nodeBatch(batch: GoldenBatch): Buffer {
  const headers = new MetadataHeaders(headerEncoding(batch.charset ?? 'UTF-8'))
  return encodeRecordBatch(
    batch.records.map((r) => nodeRecord(r, headers)),
    batch.compression ?? 'none',
    batch.producer ?? NO_PRODUCER,
    headers
  )
}

function nodeRequest(c: GoldenCase): Buffer {
  const writer = encodeProduceRequest({
    version: c.version,
    acks: c.acks,
    timeoutMs: c.timeoutMs,
    batches: c.batches.map((b) => ({ topic: b.topic, partition: b.partition, payload: nodeBatch(b) }))
  })
  return Buffer.concat(writer.buffers)
}

const oracleLine = (c: GoldenCase): unknown => ({
  version: c.version,
  acks: c.acks,
  timeoutMs: c.timeoutMs,
  batches: c.batches.map((b) => ({
    topic: b.topic,
    partition: b.partition,
    compression: b.compression ?? 'none',
    charset: b.charset ?? 'UTF-8',
    // A string, as a JSON number would lose the bits of an id past 2^53.
    producerId: String((b.producer ?? NO_PRODUCER).producerId),
    producerEpoch: (b.producer ?? NO_PRODUCER).producerEpoch,
    baseSequence: (b.producer ?? NO_PRODUCER).baseSequence,
    records: b.records.map((r) => ({
      timestamp: r.timestamp,
      key: r.key ?? null,
      value: r.value,
      headers: Object.entries(r.metadata ?? {})
    }))
  }))
})

const compressedCase: GoldenCase = {
  name: 'compressed',
  version: 9,
  acks: -1,
  timeoutMs: 30000,
  batches: COMPRESSED
}
let golden: GoldenAnswer[] = []

before(async () => {
  golden = await runOracle<GoldenAnswer>('golden', {}, [...CASES, compressedCase].map(oracleLine))
})

CASES.forEach((c, i) => {
  test(`golden bytes: ${c.name}: the node's batches and request are the Java producer's, byte for byte`, () => {
    const java = golden[i]
    assert.ok(java !== undefined, 'the oracle answered every case')
    assert.deepEqual(
      c.batches.map((b) => nodeBatch(b).toString('hex')),
      java.batches
    )
    assert.equal(nodeRequest(c).toString('hex'), java.request)
  })
})

// A compressed batch's payload depends on the codec library and its settings, so the bytes are
// compared where they are deterministic: every header field but the length and the CRC (which
// cover the payload), and the records once decompressed.
const headerWithoutLengthAndCrc = (batch: Buffer): string =>
  Buffer.concat([batch.subarray(0, 8), batch.subarray(12, 17), batch.subarray(21, 61)]).toString('hex')
// The Java producer writes snappy in snappy-java's stream framing (a 16-byte header starting
// 0x82 "SNAPPY" 0x00, then blocks each with an int32 length); the blocks are plain snappy.
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])
const XERIAL_HEADER = 16

function decompress(payload: Buffer, compression: Exclude<Compression, 'none'>): Buffer {
  const codec = compressionsAlgorithms[compression]
  if (compression !== 'snappy' || !payload.subarray(0, 8).equals(XERIAL_MAGIC))
    return Buffer.from(codec.decompressSync(payload))
  const blocks: Buffer[] = []
  for (let at = XERIAL_HEADER; at < payload.length;) {
    const length = payload.readInt32BE(at)
    blocks.push(Buffer.from(codec.decompressSync(payload.subarray(at + 4, at + 4 + length))))
    at += 4 + length
  }
  return Buffer.concat(blocks)
}

const records = (batch: Buffer, compression: Exclude<Compression, 'none'>): string =>
  decompress(batch.subarray(61), compression).toString('hex')

// Node 20 has no zstd (zlib has it from Node 22.15), and the node refuses zstd there at load.
const zstdMissing = (zlib as { zstdDecompressSync?: unknown }).zstdDecompressSync === undefined

COMPRESSED.forEach((batch, i) => {
  const compression = batch.compression as Exclude<Compression, 'none'>
  const skip = compression === 'zstd' && zstdMissing ? 'zstd needs Node 22.15 or later' : false
  test(
    `golden bytes: a ${compression} batch has the Java producer's header fields (codec bits ${i + 1} in the attributes) and, decompressed, its record bytes`,
    { skip },
    () => {
      const java = Buffer.from(golden[CASES.length]?.batches[i] ?? '', 'hex')
      const node = nodeBatch(batch)
      assert.equal(node.readInt16BE(21), i + 1)
      assert.equal(java.readInt16BE(21), i + 1)
      assert.equal(headerWithoutLengthAndCrc(node), headerWithoutLengthAndCrc(java))
      assert.equal(records(node, compression), records(java, compression))
    }
  )
})

test('golden bytes: the oracle answers with the batch Kafka documents (one keyless record "a" at 1732400000000), so the comparisons above compare something', () => {
  const expected =
    '0000000000000000' + // baseOffset 0
    '00000039' + // batchLength 57
    'ffffffff' + // partitionLeaderEpoch -1
    '02' + // magic 2
    '1e4172ad' + // CRC-32C from attributes on
    '0000' + // attributes: no compression, CreateTime, not transactional, not control
    '00000000' + // lastOffsetDelta 0
    '000001935b162c00' + // baseTimestamp
    '000001935b162c00' + // maxTimestamp
    'ffffffffffffffff' + // producerId -1
    'ffff' + // producerEpoch -1
    'ffffffff' + // baseSequence -1
    '00000001' + // one record
    '0e' + // record length 7 (zigzag varint)
    '00' + // record attributes
    '00' + // timestampDelta 0
    '00' + // offsetDelta 0
    '01' + // key length -1: null
    '02' + // value length 1
    '61' + // "a"
    '00' // no headers
  assert.equal(golden[0]?.batches[0], expected)
})
