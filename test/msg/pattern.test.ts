import { test } from 'node:test'
import assert from 'node:assert/strict'
import { compilePattern } from '../../src/msg/pattern.js'
import { makeMsg } from '../helpers/messages.js'

const metadata = { deviceType: 'thermostat', deviceName: 'T1', ts: '1732400000000', empty: '' }
const data = JSON.stringify({
  temperature: 21.5,
  name: 'kitchen',
  on: true,
  off: false,
  nothing: null,
  sensor: { temp: 19, unit: 'C', inner: { deep: 'x' } },
  list: [1, 2, 3],
  obj: { a: 1 }
})

const rows: {
  name: string
  pattern: string
  data?: string
  metadata?: Record<string, string>
  expected: string
}[] = [
  { name: 'static text stays as it is', pattern: 'my-topic', expected: 'my-topic' },
  { name: 'metadata key', pattern: '${deviceType}', expected: 'thermostat' },
  {
    name: 'metadata keys among text',
    pattern: 'tb.${deviceType}.${deviceName}-x',
    expected: 'tb.thermostat.T1-x'
  },
  { name: 'metadata key used twice', pattern: '${deviceName}/${deviceName}', expected: 'T1/T1' },
  { name: 'empty metadata value', pattern: 'a${empty}b', expected: 'ab' },
  { name: 'missing metadata key left in place', pattern: 'x-${missing}', expected: 'x-${missing}' },
  { name: 'metadata placeholder does not read data', pattern: '${temperature}', expected: '${temperature}' },
  { name: 'data string without quotes', pattern: '$[name]', expected: 'kitchen' },
  { name: 'data number as written', pattern: '$[temperature]', expected: '21.5' },
  { name: 'data booleans', pattern: '$[on]/$[off]', expected: 'true/false' },
  { name: 'data null', pattern: '$[nothing]', expected: 'null' },
  { name: 'nested path', pattern: '$[sensor.temp]$[sensor.unit]', expected: '19C' },
  { name: 'deeply nested path', pattern: '$[sensor.inner.deep]', expected: 'x' },
  { name: 'object value left in place', pattern: '$[obj]', expected: '$[obj]' },
  { name: 'array value left in place', pattern: '$[list]', expected: '$[list]' },
  { name: 'array index is not a path', pattern: '$[list.0]', expected: '$[list.0]' },
  { name: 'missing data key left in place', pattern: '$[nope]', expected: '$[nope]' },
  { name: 'path through a scalar left in place', pattern: '$[name.x]', expected: '$[name.x]' },
  { name: 'empty path segment left in place', pattern: '$[sensor..temp]', expected: '$[sensor..temp]' },
  { name: 'leading dot left in place', pattern: '$[.name]', expected: '$[.name]' },
  { name: 'trailing dot dropped as Java split does', pattern: '$[name.]', expected: 'kitchen' },
  { name: 'empty brackets left in place', pattern: '$[]', expected: '$[]' },
  { name: 'metadata and data together', pattern: '${deviceType}-$[sensor.unit]', expected: 'thermostat-C' },
  { name: 'whole metadata', pattern: '${*}', expected: JSON.stringify(metadata) },
  {
    name: 'whole body, compact, numbers as written',
    pattern: 'b=$[*]',
    data: '{ "t" : 20.0,\n "s": "a b" , "l": [ 1 , 2 ] }',
    expected: 'b={"t":20.0,"s":"a b","l":[1,2]}'
  },
  { name: 'number keeps its text 20.0', pattern: '$[t]', data: '{"t":20.0}', expected: '20.0' },
  { name: 'exponent as Java Double.toString', pattern: '$[t]', data: '{"t":1.5E3}', expected: '1500.0' },
  { name: 'negative decimal as Java prints it', pattern: '$[t]', data: '{"t": -0.10 }', expected: '-0.1' },
  {
    name: 'nested decimal as Java prints it',
    pattern: '$[a.b]',
    data: '{"a":{"x":"}","b":7.00}}',
    expected: '7.0'
  },
  { name: '1.50 is 1.5', pattern: '$[t]', data: '{"t":1.50}', expected: '1.5' },
  { name: '1e3 is 1000.0', pattern: '$[t]', data: '{"t":1e3}', expected: '1000.0' },
  { name: '12345678.9 in E notation', pattern: '$[t]', data: '{"t":12345678.9}', expected: '1.23456789E7' },
  {
    name: 'leading zeros are not JSON to Jackson: left in place',
    pattern: '$[t]',
    data: '{"t":-0012}',
    expected: '$[t]'
  },
  {
    name: 'big integer as written',
    pattern: '$[t]',
    data: '{"t":123456789012345678901}',
    expected: '123456789012345678901'
  },
  { name: 'integer -0 is 0', pattern: '$[t]', data: '{"t":-0}', expected: '0' },
  {
    name: 'whole body re-written: decimals as Java, escapes decoded, order kept',
    pattern: '$[*]',
    data: '{"b":1.50,"2":"caf\\u00e9 \\"q\\"","a":[1e3, {"x":null}],"t":true}',
    expected: '{"b":1.5,"2":"café \\"q\\"","a":[1000.0,{"x":null}],"t":true}'
  },
  {
    name: 'control characters escaped as Jackson does',
    pattern: '$[*]',
    data: '{"s":"\\u0001\\t"}',
    expected: '{"s":"\\u0001\\t"}'
  },
  {
    name: 'text after the body is ignored',
    pattern: '$[t]|$[*]',
    data: '{"t":1.0} trailing',
    expected: '1.0|{"t":1.0}'
  },
  {
    name: 'duplicate key: last wins, as JSON.parse and Jackson',
    pattern: '$[t]',
    data: '{"t":1.0,"t":2.0}',
    expected: '2.0'
  },
  { name: 'escaped key', pattern: '$[a"b]', data: '{"a\\"b":3.0}', expected: '3.0' },
  {
    name: 'string with escapes is decoded',
    pattern: '$[s]',
    data: '{"s":"a\\nb\\u00e9"}',
    expected: 'a\nbé'
  },
  {
    name: 'non-JSON data leaves data placeholders',
    pattern: '${deviceName}:$[name]',
    data: 'plain text',
    expected: 'T1:$[name]'
  },
  { name: 'JSON array body leaves data paths', pattern: '$[0]', data: '[1,2]', expected: '$[0]' },
  { name: 'JSON scalar body leaves data paths', pattern: '$[a]', data: '5', expected: '$[a]' },
  { name: 'whole body of a non-JSON body left in place', pattern: '$[*]', data: 'nope', expected: '$[*]' },
  {
    name: 'metadata value that names a data placeholder is then resolved, as ThingsBoard does',
    pattern: '${field}',
    metadata: { field: '$[name]' },
    expected: 'kitchen'
  },
  {
    name: 'data path built from metadata, as ThingsBoard does',
    pattern: '$[${key}]',
    metadata: { key: 'temperature' },
    expected: '21.5'
  },
  {
    name: 'a value that forms a placeholder with the text after it is replaced when its key comes later',
    pattern: '$${a}b}',
    metadata: { a: '{', b: 'B' },
    expected: 'B'
  },
  {
    name: 'a value that forms a placeholder is left when its key came earlier, as ThingsBoard iterates',
    pattern: '$${a}b}',
    metadata: { b: 'B', a: '{' },
    expected: '${b}'
  },
  {
    name: 'an empty value that joins text into a placeholder',
    pattern: '$${a}{b}',
    metadata: { a: '', b: 'B' },
    expected: 'B'
  },
  {
    name: 'a data value that names another data placeholder found in the same pattern',
    pattern: '$[ref]-$[name]',
    metadata: {},
    data: '{"ref":"$[name]","name":"N"}',
    expected: 'N-N'
  },
  {
    name: 'prototype names are not metadata',
    pattern: '${constructor}',
    metadata: {},
    expected: '${constructor}'
  },
  { name: 'prototype names are not data', pattern: '$[constructor]', expected: '$[constructor]' },
  { name: 'unclosed placeholder stays', pattern: '${deviceType', expected: '${deviceType' }
]

for (const row of rows) {
  test(`pattern: ${row.name}`, () => {
    const msg = makeMsg({ metadata: row.metadata ?? metadata, data: row.data ?? data })
    assert.equal(compilePattern(row.pattern).resolve(msg), row.expected)
  })
}

test('a pattern is compiled once and reused', () => {
  assert.equal(compilePattern('${a}-x'), compilePattern('${a}-x'))
})

test('isStatic tells patterns without placeholders', () => {
  assert.equal(compilePattern('plain').isStatic, true)
  assert.equal(compilePattern('a-${b}').isStatic, false)
  assert.equal(compilePattern('$[b]').isStatic, false)
})

test('resolving does not change the message', () => {
  const msg = makeMsg({ metadata: { a: '1' }, data: '{"b":2.0}' })
  const before = JSON.stringify(msg)
  compilePattern('${a}$[b]$[*]${*}').resolve(msg)
  assert.equal(JSON.stringify(msg), before)
})

// JavaScript gives `$$`, `$&`, `` $` `` and `$'` a meaning in a replacement string; Java's
// String.replace, which ThingsBoard uses, does not: each must come out as written.
for (const sequence of ['$$', '$&', '$`', "$'"]) {
  const value = `a${sequence}b`
  test(`pattern: ${sequence} in a metadata value is copied literally`, () => {
    const msg = makeMsg({ metadata: { v: value, w: 'W' }, data: '{}' })
    assert.equal(compilePattern('pre-${v}-${w}-post').resolve(msg), `pre-${value}-W-post`)
  })
  test(`pattern: ${sequence} in a metadata value is copied literally in \${*}`, () => {
    const msg = makeMsg({ metadata: { v: value }, data: '{}' })
    assert.equal(compilePattern('pre-${*}-post').resolve(msg), `pre-{"v":"${value}"}-post`)
  })
  test(`pattern: ${sequence} in a data value is copied literally`, () => {
    const msg = makeMsg({ metadata: {}, data: JSON.stringify({ v: value, w: 'W' }) })
    assert.equal(compilePattern('pre-$[v]-$[w]-post').resolve(msg), `pre-${value}-W-post`)
  })
  test(`pattern: ${sequence} in the body is copied literally in $[*]`, () => {
    const msg = makeMsg({ metadata: {}, data: JSON.stringify({ v: value }) })
    assert.equal(compilePattern('pre-$[*]-post').resolve(msg), `pre-{"v":"${value}"}-post`)
  })
}
