import { test } from 'node:test'
import assert from 'node:assert/strict'
import { rawValueAt } from '../../src/msg/json-text.js'

test('rawValueAt finds values by path with their text as written', () => {
  const text = '{ "a" : { "b" : 1.50 , "s": "x}]" }, "c": [ 1, {"d": 2} ], "e": -3e2 }'
  assert.equal(rawValueAt(text, ['a', 'b']), '1.50')
  assert.equal(rawValueAt(text, ['a', 's']), '"x}]"')
  assert.equal(rawValueAt(text, ['c']), '[ 1, {"d": 2} ]')
  assert.equal(rawValueAt(text, ['e']), '-3e2')
  assert.equal(rawValueAt(text, ['a', 'missing']), undefined)
  assert.equal(rawValueAt(text, ['c', 'd']), undefined)
  assert.equal(rawValueAt('{}', ['a']), undefined)
})
