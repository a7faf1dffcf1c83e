import { test } from 'node:test'
import assert from 'node:assert/strict'
import { crc32c } from '@node-rs/crc32'
import { RecordKind, encodeDone, encodeMessage, scanSegment } from '../../src/spool/record.js'

// Expected bytes below were computed by a separate bitwise CRC-32C (polynomial 0x82F63B78).
const MESSAGE_1_HI = '0000000b9c1d7d570100000000000000016869'
const DONE_1_AND_2_POW_32_PLUS_5 = '000000119cfab6af0200000000000000010000000100000005'

test('the checksum is CRC-32C (Castagnoli): its check value for "123456789" is 0xE3069283', () => {
  assert.equal(crc32c('123456789'), 0xe3069283)
})

test('a message record is length, CRC-32C of the body, kind 1, the id as uint64 and the payload', () => {
  assert.equal(encodeMessage(1, Buffer.from('hi')).toString('hex'), MESSAGE_1_HI)
})

test('a done record is length, CRC-32C, kind 2 and each id as uint64 (ids past 2^32 kept whole)', () => {
  assert.equal(encodeDone([1, 2 ** 32 + 5]).toString('hex'), DONE_1_AND_2_POW_32_PLUS_5)
})

test('a scan reads every record back in file order', () => {
  const bytes = Buffer.concat([
    encodeMessage(1, Buffer.from('hi')),
    encodeMessage(2, Buffer.from('')),
    encodeDone([1, 2 ** 32 + 5])
  ])
  assert.deepEqual(scanSegment(bytes), {
    records: [
      { kind: RecordKind.Message, id: 1, payload: Buffer.from('hi') },
      { kind: RecordKind.Message, id: 2, payload: Buffer.from('') },
      { kind: RecordKind.Done, ids: [1, 2 ** 32 + 5] }
    ],
    validBytes: 19 + 17 + 25,
    lostRecords: 0
  })
})

test('a torn tail (a record cut short) ends the valid bytes before it and counts one record lost', () => {
  const whole = Buffer.concat([encodeMessage(1, Buffer.from('hi')), encodeMessage(2, Buffer.from('yo'))])
  const torn = Buffer.concat([whole, encodeMessage(3, Buffer.from('cut here')).subarray(0, 12)])
  const scan = scanSegment(torn)
  assert.equal(scan.validBytes, 38)
  assert.equal(scan.lostRecords, 1)
  assert.deepEqual(
    scan.records.map((r) => (r.kind === RecordKind.Message ? r.id : -1)),
    [1, 2]
  )
})

test('a flipped byte fails the CRC: the scan stops there and counts the bad record and each whole one behind it as lost', () => {
  const bytes = Buffer.concat([
    encodeMessage(1, Buffer.from('hi')),
    encodeMessage(2, Buffer.from('yo')),
    encodeMessage(3, Buffer.from('ok')),
    encodeDone([1])
  ])
  bytes.writeUInt8(bytes.readUInt8(19 + 17) ^ 0x01, 19 + 17) // the first payload byte of record 2
  const scan = scanSegment(bytes)
  assert.equal(scan.validBytes, 19)
  assert.equal(scan.lostRecords, 3)
  assert.equal(scan.records.length, 1)
})

test('a zero-filled tail (written ahead, or extended and never written) is where the records end: none lost', () => {
  const bytes = Buffer.concat([encodeMessage(7, Buffer.from('hi')), Buffer.alloc(4096)])
  const scan = scanSegment(bytes)
  assert.equal(scan.validBytes, 19)
  assert.equal(scan.lostRecords, 0)
  assert.equal(scan.records.length, 1)
})

test('a torn record in front of zeros is one lost; a byte past the zeros makes them a corrupt tail', () => {
  const torn = encodeMessage(8, Buffer.from('there')).subarray(0, 12)
  const bytes = Buffer.concat([encodeMessage(7, Buffer.from('hi')), torn, Buffer.alloc(4096)])
  assert.deepEqual(
    { validBytes: scanSegment(bytes).validBytes, lostRecords: scanSegment(bytes).lostRecords },
    { validBytes: 19, lostRecords: 1 }
  )
  const stray = Buffer.concat([encodeMessage(7, Buffer.from('hi')), Buffer.alloc(100), Buffer.from([1])])
  assert.deepEqual(
    { validBytes: scanSegment(stray).validBytes, lostRecords: scanSegment(stray).lostRecords },
    { validBytes: 19, lostRecords: 1 }
  )
})

test('a length that runs past the end of the file is a torn record, not a read past the end', () => {
  const record = encodeMessage(1, Buffer.from('hi'))
  record.writeUInt32BE(1000, 0)
  assert.deepEqual(scanSegment(record), { records: [], validBytes: 0, lostRecords: 1 })
})

test('a string payload is the same record as its UTF-8 bytes', () => {
  assert.deepEqual(encodeMessage(5, '{"t":"héllo €"}'), encodeMessage(5, Buffer.from('{"t":"héllo €"}')))
})
