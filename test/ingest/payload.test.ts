import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  PayloadError,
  attributesPayload,
  gatewayAttributesPayload,
  gatewayTelemetryPayload,
  telemetryPayload
} from '../../src/ingest/payload.js'
import { gatewayDevice, uuidV5 } from '../../src/ingest/device-messages.js'

test('telemetry forms as ThingsBoard takes them: one entry per object, ts only where the payload says it', () => {
  const rows: { payload: string; entries: unknown }[] = [
    // A plain object keeps its text as written (21.50 stays 21.50).
    { payload: '{"t": 21.50}', entries: [{ data: '{"t": 21.50}' }] },
    { payload: '{"ts":1700000000000,"values":{"t":1}}', entries: [{ ts: 1700000000000, data: '{"t":1}' }] },
    { payload: '{"ts":"1700000000000","values":{"t":1}}', entries: [{ ts: 1700000000000, data: '{"t":1}' }] },
    // Only both keys make the timestamped form; "ts" alone is a value like any other.
    { payload: '{"ts":5,"t":1}', entries: [{ data: '{"ts":5,"t":1}' }] },
    {
      payload: '[{"ts":1,"values":{"a":1}},{"b":2},{"ts":1,"values":{"c":3}}]',
      entries: [{ ts: 1, data: '{"a":1}' }, { data: '{"b":2}' }, { ts: 1, data: '{"c":3}' }]
    },
    { payload: '[]', entries: [] }
  ]
  for (const row of rows) assert.deepEqual(telemetryPayload(row.payload), row.entries, row.payload)
})

test('a telemetry or attributes payload the API refuses says what is wrong and where', () => {
  const rows: { payload: string; error: string | RegExp; attributes?: true }[] = [
    { payload: '{"t":', error: /^is not JSON: / },
    { payload: '5', error: 'must be a JSON object or array' },
    { payload: '[{"a":1},7]', error: 'element 1: must be a JSON object' },
    { payload: '{"ts":-1,"values":{}}', error: '"ts" must be milliseconds since the epoch (got -1)' },
    {
      payload: '[{"ts":1.5,"values":{}}]',
      error: 'element 0: "ts" must be milliseconds since the epoch (got 1.5)'
    },
    { payload: '{"ts":1,"values":[1]}', error: '"values" must be a JSON object' },
    { payload: '[{"a":1}]', error: 'must be a JSON object', attributes: true },
    { payload: 'null', error: 'must be a JSON object', attributes: true }
  ]
  for (const row of rows) {
    const parse = () => (row.attributes ? attributesPayload(row.payload) : telemetryPayload(row.payload))
    assert.throws(parse, (error: unknown) => {
      assert.ok(error instanceof PayloadError, row.payload)
      if (typeof row.error === 'string') assert.equal(error.message, row.error)
      else assert.match(error.message, row.error)
      return true
    })
  }
})

test('gateway payloads: an object of device name -> an array of telemetry objects, or an attributes object', () => {
  assert.deepEqual(
    gatewayTelemetryPayload('{"A":[{"ts":1,"values":{"t":1}},{"ts":2,"values":{"t":2}}],"B":[{"t":3}]}'),
    [
      {
        deviceName: 'A',
        values: [
          { ts: 1, data: '{"t":1}' },
          { ts: 2, data: '{"t":2}' }
        ]
      },
      { deviceName: 'B', values: [{ data: '{"t":3}' }] }
    ]
  )
  assert.deepEqual(gatewayAttributesPayload('{"A":{"fw":"1"}}'), [
    { deviceName: 'A', values: [{ data: '{"fw":"1"}' }] }
  ])
  assert.throws(() => gatewayTelemetryPayload('[{"A":{}}]'), {
    message: 'must be a JSON object of device name -> values'
  })
  assert.throws(() => gatewayTelemetryPayload('{"A":[3]}'), {
    message: 'device "A": element 0: must be a JSON object'
  })
  assert.throws(() => gatewayAttributesPayload('{"A":[]}'), { message: 'device "A": must be a JSON object' })
  assert.throws(() => gatewayAttributesPayload('{" ":{}}'), { message: 'a device name must not be empty' })
})

test('a gateway device is the devices file entry of that name, else a name-based UUID of type "default"', () => {
  // RFC 9562 appendix A.4: the version 5 UUID of "www.example.com" in the DNS namespace.
  assert.equal(
    uuidV5(Buffer.from('6ba7b8109dad11d180b400c04fd430c8', 'hex'), 'www.example.com'),
    '2ed6657d-e927-568b-95e1-2665a8aea6a2'
  )
  const known = {
    token: 't',
    name: 'T1',
    type: 'thermostat',
    id: '6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
    gateway: false
  }
  const byName = new Map([['T1', known]])
  assert.equal(gatewayDevice(byName, 'T1'), known)
  const made = gatewayDevice(byName, 'Sensor A')
  assert.deepEqual(made, {
    id: uuidV5(Buffer.from('9c1d7f0e4b2a4e5f8a6b3c2d1e0f9a8b', 'hex'), 'Sensor A'),
    name: 'Sensor A',
    type: 'default'
  })
  assert.match(made.id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  assert.deepEqual(gatewayDevice(new Map(), 'Sensor A'), made)
})
