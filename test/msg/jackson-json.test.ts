import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runOracle } from '../../reference/oracle/oracle.js'
import { asText, parseJsonTree, writeJson, writeJsonString } from '../../src/msg/jackson-json.js'
import { seededRandom } from '../helpers/random.js'

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

/** JSON texts of every shape a body takes, numbers of every form above all. */
function randomTexts(count: number): string[] {
  const random = seededRandom(0x1ac50)
  const int = (n: number): number => Math.floor(random() * n)
  const numbers = [
    '0',
    '-0',
    '1.50',
    '1e3',
    '1E-7',
    '-2.5e+300',
    '12345678.9',
    '0.001',
    '9007199254740993',
    '1e400'
  ]
  const number = (): string => {
    if (random() < 0.3) return numbers[int(numbers.length)] as string
    const digits = String(int(10 ** (1 + int(9))))
    const fraction = random() < 0.6 ? `.${String(int(10 ** (1 + int(6)))).padStart(2, '0')}` : ''
    const exponent = random() < 0.2 ? `e${random() < 0.5 ? '-' : ''}${int(30)}` : ''
    return `${random() < 0.3 ? '-' : ''}${digits}${fraction}${exponent}`
  }
  const strings = [
    '"a"',
    '"caf\\u00e9"',
    '"tab\\there"',
    '"q\\"uote"',
    '"\\ud83d\\ude00"',
    '"\\u0007"',
    '"é/"',
    '""'
  ]
  const value = (depth: number): string => {
    const pick = int(depth > 2 ? 4 : 6)
    if (pick === 0) return number()
    if (pick === 1) return strings[int(strings.length)] as string
    if (pick === 2) return ['true', 'false', 'null'][int(3)] as string
    if (pick === 3) return number()
    if (pick === 4) return `[${Array.from({ length: int(4) }, () => value(depth + 1)).join(', ')}]`
    const keys = ['a', 'b', '1', '10', 'a', 'é']
    return `{ ${Array.from({ length: int(5) }, () => `"${keys[int(keys.length)] as string}" : ${value(depth + 1)}`).join(',')} }`
  }
  return Array.from({ length: count }, () => value(0) + (random() < 0.1 ? ' trailing' : ''))
}

test("jackson json: re-writes bodies exactly as Jackson 2.19 on Java 17 (ThingsBoard's JacksonUtil)", async () => {
  const texts = [...cases.map(([, text]) => text), ...randomTexts(3000)]
  const answers = await runOracle<{ json?: string | null; error?: string }>(
    'jackson',
    {},
    texts.map((text) => ({ text }))
  )
  const wrong = texts
    .map((text, i) => ({ text, jackson: answers[i]?.json ?? undefined, ours: rewrite(text) }))
    .filter((row) => row.jackson !== row.ours)
  assert.deepEqual(wrong.slice(0, 5), [])
})
