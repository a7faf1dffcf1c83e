import { test } from 'node:test'
import assert from 'node:assert/strict'
import { jacksonAsText, jacksonJson, javaNumberText, javaToString } from '../../src/script/java-text.js'

test("numbers print as Jackson prints what it read from JSON.stringify's text: whole numbers as digits, others as Java's Double.toString", () => {
  const rows: [number, string][] = [
    [0, '0'],
    [25, '25'],
    [-7, '-7'],
    [1e20, '100000000000000000000'],
    [1e21, '1.0E21'],
    [70.7, '70.7'],
    [0.001, '0.001'],
    [0.0001, '1.0E-4'],
    [1234567.5, '1234567.5'],
    [12345678.9, '1.23456789E7'],
    [-1.5e-7, '-1.5E-7']
  ]
  for (const [value, text] of rows) assert.equal(javaNumberText(value), text, String(value))
})

test('a script result becomes compact JSON, key order kept, numbers the Java way', () => {
  assert.equal(
    jacksonJson({ a: 1, b: [true, null, 'x"y'], c: { d: 12345678.9 } }),
    '{"a":1,"b":[true,null,"x\\"y"],"c":{"d":1.23456789E7}}'
  )
  assert.equal(jacksonJson('text'), '"text"')
})

test("asText (JS metadata and msgType) and Java's toString (TBEL)", () => {
  assert.deepEqual(
    [
      jacksonAsText('s'),
      jacksonAsText(5),
      jacksonAsText(true),
      jacksonAsText(null),
      jacksonAsText({ a: 1 }),
      jacksonAsText([1])
    ],
    ['s', '5', 'true', 'null', '', '']
  )
  assert.equal(
    javaToString({ a: 1, b: [1, 'x', null], c: { d: false } }),
    '{a=1, b=[1, x, null], c={d=false}}'
  )
})
