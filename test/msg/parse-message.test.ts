import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MessageError } from '../../src/errors.js'
import { NULL_ORIGINATOR, parseMessage } from '../../src/msg/parse-message.js'

const originator = { entityType: 'DEVICE', id: '6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0' }
const base = { type: 'POST_TELEMETRY_REQUEST', originator }

test('keeps every given field, and data given as a string as it is', () => {
  const msg = parseMessage(
    JSON.stringify({
      ...base,
      id: '0c1f5a52-7a32-4b7e-9d6e-1f2a3b4c5d01',
      ts: 1732400000000,
      metadata: { deviceName: 'T1' },
      dataType: 'TEXT',
      data: 'hello'
    })
  )
  assert.deepEqual(msg.toJSON(), {
    id: '0c1f5a52-7a32-4b7e-9d6e-1f2a3b4c5d01',
    ts: 1732400000000,
    type: 'POST_TELEMETRY_REQUEST',
    originator,
    metadata: { deviceName: 'T1' },
    dataType: 'TEXT',
    data: 'hello'
  })
})

test('fills id with a UUID v4 and ts with the current time', () => {
  const before = Date.now()
  const msg = parseMessage(JSON.stringify(base))
  assert.match(msg.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  assert.ok(msg.ts >= before && msg.ts <= Date.now(), `ts ${msg.ts}`)
  assert.equal(msg.dataType, 'JSON')
  assert.equal(msg.data, '{}')
  assert.deepEqual(msg.metadata, {})
})

test('data given as a JSON value keeps its JSON text exactly as written', () => {
  const line =
    '{"type":"T","originator":' + JSON.stringify(originator) + ',"data": {"t": 20.0, "n": [1, 2.50]} }'
  assert.equal(parseMessage(line).data, '{"t": 20.0, "n": [1, 2.50]}')
  assert.equal(parseMessage('{"type":"T","data":5.0}').data, '5.0')
  assert.equal(parseMessage('{"type":"T","data":[true,null]}').data, '[true,null]')
})

test('a missing originator becomes ThingsBoard NULL_UUID device', () => {
  assert.deepEqual(parseMessage('{"type":"T"}').originator, NULL_ORIGINATOR)
})

const bad: { name: string; line: string; error: string }[] = [
  { name: 'not JSON', line: '{"type":', error: 'not valid JSON: ' },
  { name: 'not an object', line: '[1]', error: 'a message must be a JSON object (got an array)' },
  { name: 'missing type', line: '{"data":{}}', error: 'type is missing (e.g. "POST_TELEMETRY_REQUEST")' },
  { name: 'empty type', line: '{"type":""}', error: 'type must be a non-empty string (got "")' },
  { name: 'type not a string', line: '{"type":3}', error: 'type must be a non-empty string (got number 3)' },
  {
    name: 'originator not an object',
    line: '{"type":"T","originator":"dev"}',
    error: 'originator must be an object {"entityType","id"} (got "dev")'
  },
  {
    name: 'originator id not a UUID',
    line: '{"type":"T","originator":{"entityType":"DEVICE","id":"abc"}}',
    error: 'originator.id must be a UUID (got "abc")'
  },
  {
    name: 'originator entityType missing',
    line: '{"type":"T","originator":{"id":"6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"}}',
    error: 'originator.entityType must be an upper-case entity type such as "DEVICE" (got nothing)'
  },
  {
    name: 'metadata value not a string',
    line: '{"type":"T","metadata":{"deviceName":"T1","temp":21}}',
    error: 'metadata.temp must be a string (got number 21)'
  },
  {
    name: 'metadata not an object',
    line: '{"type":"T","metadata":[]}',
    error: 'metadata must be an object of strings (got an array)'
  },
  { name: 'id not a UUID', line: '{"type":"T","id":"1"}', error: 'id must be a UUID (got "1")' },
  {
    name: 'ts not an integer',
    line: '{"type":"T","ts":"now"}',
    error: 'ts must be a non-negative integer of milliseconds (got "now")'
  },
  {
    name: 'unknown dataType',
    line: '{"type":"T","dataType":"XML"}',
    error: 'dataType must be one of JSON, TEXT, BINARY (got "XML")'
  }
]

for (const row of bad) {
  test(`rejects a message with ${row.name}, naming the problem`, () => {
    assert.throws(
      () => parseMessage(row.line),
      (error: unknown) => {
        assert.ok(error instanceof MessageError)
        assert.equal(error.code, 'MESSAGE')
        if (row.error.endsWith(': ')) assert.ok(error.message.startsWith(row.error), error.message)
        else assert.equal(error.message, row.error)
        return true
      }
    )
  })
}

test('withMetadata derives a new message and leaves the original unchanged', () => {
  const msg = parseMessage('{"type":"T","metadata":{"a":"1"},"data":{"x":1}}')
  const derived = msg.withMetadata({ b: '2' })
  assert.deepEqual(msg.metadata, { a: '1' })
  assert.deepEqual(derived.metadata, { a: '1', b: '2' })
  assert.equal(derived.id, msg.id)
  assert.equal(derived.data, msg.data)
})
