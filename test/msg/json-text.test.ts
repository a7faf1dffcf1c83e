import { test } from 'node:test'
import assert from 'node:assert/strict'
import { compactJson, rawValueAt } from '../../src/msg/json-text.js'

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

test('compactJson removes white space outside strings only', () => {
  assert.equal(compactJson(' { "a b" : [ 1 ,\n\t2.0 ] , "c" : " x " } '), '{"a b":[1,2.0],"c":" x "}')
  assert.equal(compactJson('"q\\" x"'), '"q\\" x"')
})
