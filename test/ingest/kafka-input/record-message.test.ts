import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { ConsumedRecord } from '../../../src/kafka/client.js'
import { recordToMessage, type RecordFormat } from '../../../src/ingest/kafka-input/record-message.js'
import { NULL_ORIGINATOR } from '../../../src/msg/parse-message.js'
import { MessageError } from '../../../src/errors.js'

const json: RecordFormat = { format: 'json', type: 'unused', originator: NULL_ORIGINATOR }
const raw: RecordFormat = { format: 'raw', type: 'RAW', originator: NULL_ORIGINATOR }

const record = (fields: Partial<ConsumedRecord>): ConsumedRecord => ({
  topic: 't',
  partition: 3,
  offset: 41n,
  key: Buffer.from('dev-1'),
  value: Buffer.from('{}'),
  headers: new Map(),
  timestamp: 1732400000123n,
  ...fields
})

const reason = (fn: () => unknown): string => {
  try {
    fn()
  } catch (error) {
    assert.ok(error instanceof MessageError)
    return error.message
  }
  return 'no error'
}

test('json: the message as written, plus the record coordinates; its own metadata kept', () => {
  const msg = recordToMessage(
    record({ value: Buffer.from('{"type":"X","metadata":{"a":"1","kafkaTopic":"spoof"},"data":{"v": 1}}') }),
    json
  )
  assert.equal(msg.type, 'X')
  assert.equal(msg.data, '{"v": 1}')
  assert.deepEqual(msg.metadata, {
    a: '1',
    kafkaTopic: 't',
    kafkaPartition: '3',
    kafkaOffset: '41',
    kafkaTimestamp: '1732400000123',
    kafkaKey: 'dev-1'
  })
})

test('raw: a record without a key has no kafkaKey; headers other than tb_msg_md_ are not metadata', () => {
  const msg = recordToMessage(
    record({
      key: undefined,
      value: Buffer.from('21.5'),
      headers: new Map([
        [Buffer.from('tb_msg_md_deviceName'), Buffer.from('T1')],
        [Buffer.from('traceparent'), Buffer.from('00-abc')]
      ])
    }),
    raw
  )
  assert.deepEqual(
    [msg.type, msg.originator, msg.dataType, msg.data, msg.ts],
    ['RAW', NULL_ORIGINATOR, 'JSON', '21.5', 1732400000123]
  )
  assert.deepEqual(msg.metadata, {
    deviceName: 'T1',
    kafkaTopic: 't',
    kafkaPartition: '3',
    kafkaOffset: '41',
    kafkaTimestamp: '1732400000123'
  })
})

test('records that are not messages say why', () => {
  assert.equal(
    reason(() => recordToMessage(record({ value: undefined }), raw)),
    'the record has no value (a tombstone)'
  )
  assert.equal(
    reason(() => recordToMessage(record({ value: Buffer.from([0x7b, 0xff, 0x7d]) }), json)),
    'the value is not valid UTF-8'
  )
  assert.equal(
    reason(() => recordToMessage(record({ key: Buffer.from([0xc3]) }), raw)),
    'the key is not valid UTF-8'
  )
  assert.equal(
    reason(() =>
      recordToMessage(record({ headers: new Map([[Buffer.from('tb_msg_md_x'), Buffer.from([0xff])]]) }), raw)
    ),
    'header tb_msg_md_x is not valid UTF-8'
  )
  assert.match(
    reason(() => recordToMessage(record({ value: Buffer.from('{"type":') }), json)),
    /^not valid JSON: /
  )
  assert.equal(
    reason(() => recordToMessage(record({ value: Buffer.from('{}') }), json)),
    'type is missing (e.g. "POST_TELEMETRY_REQUEST")'
  )
})
