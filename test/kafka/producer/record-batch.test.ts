import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Reader, jsCRC32C, readRecordsBatch } from '@platformatic/kafka'
import { headerEncoding } from '../../../src/nodes/kafka/charset.js'
import { MetadataHeaders } from '../../../src/nodes/kafka/metadata-headers.js'
import { encodeRecordBatch, type BatchRecord } from '../../../src/kafka/producer/record-batch.js'

const text = (b: Buffer | null): string | null => (b === null ? null : b.toString('utf8'))

const utf8 = new MetadataHeaders(headerEncoding('UTF-8'))

function record(
  value: string,
  timestamp: number,
  key?: string,
  headers?: Record<string, string>,
  codec = utf8
): BatchRecord {
  return {
    headerCount: headers === undefined ? 0 : Object.keys(headers).length,
    headerBytes: headers === undefined ? 1 : codec.measure(headers),
    key,
    keyBytes: key === undefined ? 0 : Buffer.byteLength(key),
    value,
    valueBytes: Buffer.byteLength(value),
    headers,
    timestamp
  }
}

const base = 1_732_400_000_000
const records = [
  record('{"t":21.5}', base, 'device-1', { deviceType: 'thermostat' }),
  // Keyless, empty value, a multi-byte value, a timestamp earlier than the first (negative delta).
  record('', base - 5, undefined),
  record('température 21,5 °C ✓', base + 1, 'ключ', { a: 'ä', b: '' }),
  // A delta past 32 bits needs the 64-bit varint.
  record('late', base + 2 ** 33 + 7, 'k')
]

test('an encoded batch decodes, with the client library, to exactly the records put in, and its CRC-32C checks', () => {
  const batch = encodeRecordBatch(records, 'none', undefined, utf8)
  const decoded = readRecordsBatch(Reader.from(batch))
  assert.equal(decoded.magic, 2)
  assert.equal(decoded.length, batch.length - 12)
  assert.equal(decoded.crc, jsCRC32C(batch.subarray(21)))
  assert.equal(decoded.lastOffsetDelta, 3)
  assert.equal(decoded.firstTimestamp, BigInt(base))
  assert.equal(decoded.maxTimestamp, BigInt(base + 2 ** 33 + 7))
  assert.equal(decoded.producerId, -1n)
  assert.equal(decoded.producerEpoch, -1)
  assert.equal(decoded.firstSequence, -1)
  assert.deepEqual(
    decoded.records.map((r) => ({
      offsetDelta: r.offsetDelta,
      timestamp: Number(decoded.firstTimestamp + r.timestampDelta),
      key: text(r.key),
      value: text(r.value),
      headers: r.headers.map(([k, v]) => [text(k), text(v)])
    })),
    [
      {
        offsetDelta: 0,
        timestamp: base,
        key: 'device-1',
        value: '{"t":21.5}',
        headers: [['tb_msg_md_deviceType', 'thermostat']]
      },
      { offsetDelta: 1, timestamp: base - 5, key: null, value: '', headers: [] },
      {
        offsetDelta: 2,
        timestamp: base + 1,
        key: 'ключ',
        value: 'température 21,5 °C ✓',
        headers: [
          ['tb_msg_md_a', 'ä'],
          ['tb_msg_md_b', '']
        ]
      },
      { offsetDelta: 3, timestamp: base + 2 ** 33 + 7, key: 'k', value: 'late', headers: [] }
    ]
  )
})

test('an idempotent stamp and a compression codec land in the batch header', () => {
  const batch = encodeRecordBatch(
    records,
    'gzip',
    { producerId: 4242n, producerEpoch: 3, baseSequence: 17 },
    utf8
  )
  const decoded = readRecordsBatch(Reader.from(batch))
  assert.equal(decoded.attributes & 0x07, 1)
  assert.equal(decoded.crc, jsCRC32C(batch.subarray(21)))
  assert.equal(decoded.producerId, 4242n)
  assert.equal(decoded.producerEpoch, 3)
  assert.equal(decoded.firstSequence, 17)
  assert.deepEqual(
    decoded.records.map((r) => text(r.value)),
    records.map((r) => r.value)
  )
})

test('an empty batch is refused by name', () => {
  assert.throws(() => encodeRecordBatch([], 'none'), /a record batch needs at least one record/)
})

test('header values in every charset: the length used to size the record is the length written', () => {
  const samples = ['', 'plain', 'ä ö ü ß', 'emoji 😀 pair', 'lone \ud83d surrogate', '日本語']
  for (const charset of ['UTF-8', 'US-ASCII', 'ISO-8859-1', 'UTF-16', 'UTF-16LE', 'UTF-16BE']) {
    const encoding = headerEncoding(charset)
    const codec = new MetadataHeaders(encoding)
    for (const sample of samples) {
      assert.equal(encoding.byteLength(sample), encoding.encode(sample).length, `${charset} ${sample}`)
    }
    const batch = encodeRecordBatch(
      samples.map((v, i) => record('v', base, undefined, { [`h${i}`]: v }, codec)),
      'none',
      undefined,
      codec
    )
    const decoded = readRecordsBatch(Reader.from(batch))
    assert.deepEqual(
      decoded.records.map((r) => r.headers.map(([k, v]) => [text(k), v?.toString('hex')])),
      samples.map((v, i) => [[`tb_msg_md_h${i}`, encoding.encode(v).toString('hex')]]),
      charset
    )
  }
})

test('header names stay right when records carry other keys, or the same keys in another order, at each position', () => {
  const codec = new MetadataHeaders(headerEncoding('UTF-8'))
  const varied = [
    record('1', base, 'k', { deviceName: 'A', deviceType: 'T' }, codec),
    record('2', base, 'k', { deviceType: 'T2', deviceName: 'B' }, codec),
    record('3', base, 'k', { ts: '7' }, codec),
    record('4', base, 'k', { deviceName: 'C', deviceType: 'T3', ts: '8' }, codec)
  ]
  const decoded = readRecordsBatch(Reader.from(encodeRecordBatch(varied, 'none', undefined, codec)))
  assert.deepEqual(
    decoded.records.map((r) => r.headers.map(([k, v]) => [text(k), text(v)])),
    [
      [
        ['tb_msg_md_deviceName', 'A'],
        ['tb_msg_md_deviceType', 'T']
      ],
      [
        ['tb_msg_md_deviceType', 'T2'],
        ['tb_msg_md_deviceName', 'B']
      ],
      [['tb_msg_md_ts', '7']],
      [
        ['tb_msg_md_deviceName', 'C'],
        ['tb_msg_md_deviceType', 'T3'],
        ['tb_msg_md_ts', '8']
      ]
    ]
  )
})
