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

test('rawValueAt: escaped quotes and backslashes inside strings, and keys written with escapes', () => {
  const text = String.raw`{"s":"a\"}\\","d\u0061ta":{"q":"\\\"x\\"},"dat\\a":1,"datum":2}`
  assert.equal(rawValueAt(text, ['s']), String.raw`"a\"}\\"`)
  assert.equal(rawValueAt(text, ['data']), String.raw`{"q":"\\\"x\\"}`)
  assert.equal(rawValueAt(text, ['data', 'q']), String.raw`"\\\"x\\"`)
  assert.equal(rawValueAt(text, ['dat\\a']), '1')
  assert.equal(rawValueAt(text, ['datum']), '2')
  // The last member of a name wins, as in JSON.parse.
  assert.equal(rawValueAt('{"data":1,"x":"data","data":[2]}', ['data']), '[2]')
})
