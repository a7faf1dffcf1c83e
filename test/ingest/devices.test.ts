import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseDevices } from '../../src/ingest/devices.js'
import { ConfigError } from '../../src/errors.js'

test('a devices file with a bad entry is refused naming the token and field', () => {
  assert.throws(() => parseDevices({ abc: { name: 'X', id: 'nope' } }, 'devices.json'), {
    message: 'devices.json: device "abc".id must be a UUID (got "nope")'
  })
  assert.throws(() => parseDevices([], 'devices.json'), ConfigError)
  assert.throws(() => parseDevices({ t: { type: 'x', id: '6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0' } }, 'd'), {
    message: 'd: device "t".name must be a non-empty string'
  })
})
