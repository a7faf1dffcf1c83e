// Property test: on random patterns, metadata and bodies, the compiled pattern gives exactly what
// ThingsBoard's literal algorithm gives (reimplemented here step by step), and never throws.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { compilePattern } from '../../src/msg/pattern.js'
import { makeMsg } from '../helpers/messages.js'
import { pick, seededRandom } from '../helpers/random.js'

const FRAGMENTS = ['${', '}', '$[', ']', '.', 'a', 'b', 'ab', '*', '$', '{', '[', 'x-', '', 'a.b', 'c']
const KEYS = ['a', 'b', 'ab', '*', 'a.b', 'c', '']
const BODIES = [
  '{"a":"A","b":2,"ab":true,"c":null,"x":{"a":"XA","b":[1]},"*":"star"}',
  '{"a":{"b":{"c":"deep"}},"b":"$[a]","ab":"${a}"}',
  '[1,2]',
  '"text"',
  'not json',
  '{}'
]

function randomText(random: () => number, parts: number): string {
  let text = ''
  for (let i = 0; i < parts; i++) text += pick(random, FRAGMENTS)
  return text
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** ThingsBoard's processPattern, followed literally (numbers here are written as JS prints them). */
function reference(pattern: string, metadata: Record<string, string>, data: string): string {
  let result = pattern
  for (const [key, value] of Object.entries(metadata)) result = result.split('${' + key + '}').join(value)
  result = result.split('${*}').join(JSON.stringify(metadata))
  let body: unknown
  try {
    body = JSON.parse(data)
  } catch {
    return result
  }
  const original = result
  for (const match of original.matchAll(/\$\[(.*?)\]/g)) {
    const group = match[1] ?? ''
    let value: string | undefined
    if (group === '*') value = JSON.stringify(body)
    else if (isObject(body)) {
      const keys = group === '' ? [''] : group.split('.')
      while (keys.length > 0 && keys[keys.length - 1] === '') keys.pop()
      let node: unknown = body
      for (const key of keys) {
        node = key !== '' && isObject(node) && Object.hasOwn(node, key) ? node[key] : undefined
        if (node === undefined) break
      }
      if (node === null) value = 'null'
      else if (typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean')
        value = String(node)
    }
    if (value !== undefined) result = result.split('$[' + group + ']').join(value)
  }
  return result
}

test('compiled patterns equal ThingsBoard literal replacement on 20,000 random cases', () => {
  const seed = Number(process.env.PATTERN_SEED ?? 20261125)
  const random = seededRandom(seed)
  for (let i = 0; i < 20_000; i++) {
    const metadata: Record<string, string> = {}
    const entries = Math.floor(random() * 4)
    for (let e = 0; e < entries; e++)
      metadata[pick(random, KEYS)] = randomText(random, Math.floor(random() * 3))
    const pattern = randomText(random, 1 + Math.floor(random() * 8))
    const data = pick(random, BODIES)
    const msg = makeMsg({ metadata, data })
    const expected = reference(pattern, metadata, data)
    const actual = compilePattern(pattern).resolve(msg)
    assert.equal(
      actual,
      expected,
      `seed ${seed} case ${i}: pattern ${JSON.stringify(pattern)} metadata ${JSON.stringify(metadata)} data ${data}`
    )
  }
})
