import { test } from 'node:test'
import assert from 'node:assert/strict'
import { asText, parseJsonTree, writeJson, writeJsonString } from '../../src/msg/jackson-json.js'

const rewrite = (text: string): string | undefined => {
  const tree = parseJsonTree(text)
  return tree === undefined ? undefined : writeJson(tree)
}

// What ThingsBoard's JacksonUtil.toString(JacksonUtil.toJsonNode(text)) gives.
const cases: [string, string, string | undefined][] = [
  [
    'decimals as Double.toString',
    '[1.50, 1e3, 12345678.9, 0.0001, -0.0, 2.0E-3, 100.0]',
    '[1.5,1000.0,1.23456789E7,1.0E-4,-0.0,0.002,100.0]'
  ],
  [
    'integers as int, long or BigInteger',
    '[0, -0, 7, 9007199254740993, -123456789012345678901234]',
    '[0,0,7,9007199254740993,-123456789012345678901234]'
  ],
  ['member order kept, integer-like keys too', '{"b":1,"2":2,"a":3,"1":4}', '{"b":1,"2":2,"a":3,"1":4}'],
  ['a repeated key keeps its first place and its last value', '{"a":1,"b":2,"a":3}', '{"a":3,"b":2}'],
  [
    'unicode escapes decoded, only what JSON needs escaped',
    '{"s":"caf\\u00e9 \\u2028 \\/ \\"q\\" \\\\ \\u0001 \\t"}',
    '{"s":"café \u2028 / \\"q\\" \\\\ \\u0001 \\t"}'
  ],
  ['white space dropped', ' { "a" : [ true , false , null ] } ', '{"a":[true,false,null]}'],
  ['text after the first value ignored', '{"a":1} {"b":2}', '{"a":1}'],
  ['a scalar body', '"text"', '"text"'],
  ['not JSON: leading zero', '{"a":01}', undefined],
  ['not JSON: trailing point', '[1.]', undefined],
  ['not JSON: single quotes', "{'a':1}", undefined],
  ['not JSON: unterminated', '{"a":', undefined],
  ['not JSON: plain text', 'hello', undefined],
  ['empty', '   ', undefined]
]

for (const [name, text, expected] of cases) {
  test(`jackson json: ${name}`, () => {
    assert.equal(rewrite(text), expected)
  })
}

test("jackson json: asText of scalars as Jackson's asText", () => {
  const tree = parseJsonTree('{"s":"x","n":2.50,"i":10,"b":false,"z":null,"o":{}}')
  assert.ok(tree?.kind === 'object')
  assert.deepEqual([...tree.fields.values()].map(asText), ['x', '2.5', '10', 'false', 'null', ''])
})

test('jackson json: control characters escape as Jackson does (short forms, else upper-case \\u00XX)', () => {
  assert.equal(writeJsonString('\b\t\n\f\r\u001f\u007f'), '"\\b\\t\\n\\f\\r\\u001F\u007f"')
})
