import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Reader, jsCRC32C, readRecordsBatch } from '@platformatic/kafka'
import { encodeRecordBatch, type BatchRecord } from '../../../src/nodes/kafka/record-batch.js'

const text = (b: Buffer | null): string | null => (b === null ? null : b.toString('utf8'))

function record(value: string, timestamp: number, key?: string, headers?: [string, string][]): BatchRecord {
  return {
    key: key === undefined ? undefined : Buffer.from(key),
    value,
    valueBytes: Buffer.byteLength(value),
    headers: headers?.map(([name, v]) => [Buffer.from(name), v, Buffer.byteLength(v)] as const),
    timestamp
  }
}

const base = 1_732_400_000_000
const records = [
  record('{"t":21.5}', base, 'device-1', [['tb_msg_md_deviceType', 'thermostat']]),
  // Keyless, empty value, a multi-byte value, a timestamp earlier than the first (negative delta).
  record('', base - 5, undefined),
  record('température 21,5 °C ✓', base + 1, 'ключ', [
    ['tb_msg_md_a', 'ä'],
    ['tb_msg_md_b', '']
  ]),
  // A delta past 32 bits needs the 64-bit varint.
  record('late', base + 2 ** 33 + 7, 'k')
]

test('an encoded batch decodes, with the client library, to exactly the records put in, and its CRC-32C checks', () => {
  const batch = encodeRecordBatch(records, 'none')
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
  const batch = encodeRecordBatch(records, 'gzip', { producerId: 4242n, producerEpoch: 3, baseSequence: 17 })
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
