import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runOracle } from '../../../reference/oracle/oracle.js'
import { makeMsg } from '../../helpers/messages.js'
import { loadError, runNode } from '../../helpers/node-harness.js'

const TYPE = 'org.thingsboard.rule.engine.transform.TbJsonPathNode'

async function read(
  t: import('node:test').TestContext,
  jsonPath: string,
  data: string
): Promise<[string, string]> {
  const { exits } = await runNode(t, TYPE, { jsonPath }, [makeMsg({ data })])
  assert.equal(exits.length, 1)
  const exit = exits[0]!
  return [exit.relation, exit.relation === 'Failure' ? (exit.msg.metadata.error ?? '') : exit.msg.data]
}

// The cases of ThingsBoard's TbJsonPathNodeTest, and Jayway's rules around them.
const cases: [string, string, string, [string, string]][] = [
  ['a number', '$.Attribute_2', '{"Attribute_1":22.5,"Attribute_2":100}', ['Success', '100']],
  [
    'a string, as JSON',
    '$.Attribute_2',
    '{"Attribute_1":22.5,"Attribute_2":"StringValue"}',
    ['Success', '"StringValue"']
  ],
  [
    'an array',
    '$.Attribute_2',
    '{"Attribute_1":22.5,"Attribute_2":[{"Attribute_3":22.5,"Attribute_4":10.30}, {"Attribute_5":22.5,"Attribute_6":10.3}]}',
    ['Success', '[{"Attribute_3":22.5,"Attribute_4":10.3},{"Attribute_5":22.5,"Attribute_6":10.3}]']
  ],
  [
    'an object',
    '$.Attribute_2',
    '{"Attribute_1":22.5,"Attribute_2":{"Attribute_3":22.5,"Attribute_4":10.3}}',
    ['Success', '{"Attribute_3":22.5,"Attribute_4":10.3}']
  ],
  [
    'a filter',
    '$.Attribute_2[?(@.voltage > 200)]',
    '{"Attribute_1":22.5,"Attribute_2":[{"voltage":220}, {"voltage":250.0}, {"voltage":110}]}',
    ['Success', '[{"voltage":220},{"voltage":250.0}]']
  ],
  [
    'length()',
    '$.attributes.length()',
    '{"attributes":[{"attribute_1":10},{"attribute_2":20},{"attribute_3":30},{"attribute_4":40}]}',
    ['Success', '4']
  ],
  ['max() as a double', '$.v.max()', '{"v":[1,5,3]}', ['Success', '5.0']],
  ['avg()', '$.v.avg()', '{"v":[1,2]}', ['Success', '1.5']],
  ['an index', '$.v[1]', '{"v":[1,2.50]}', ['Success', '2.5']],
  ['a deep scan', '$..t', '{"a":{"t":1},"b":[{"t":"x"}]}', ['Success', '[1,"x"]']],
  [
    'a wildcard under a missing property',
    '$.none[*]',
    '{"a":1}',
    ['Failure', "PathNotFoundException: Missing property in path $['none']"]
  ],
  ['a filter with no match: an empty list', '$.v[?(@ > 10)]', '{"v":[1,2]}', ['Success', '[]']],
  ['a wildcard on what has no members: an empty list', '$.v[*]', '{"v":5}', ['Success', '[]']],
  [
    'a definite path that finds nothing: PathNotFoundException',
    '$.Attribute_2',
    '{"Attribute_1":22.5,"Attribute_5":10.3}',
    ['Failure', "PathNotFoundException: No results for path: $['Attribute_2']"]
  ],
  ['data that is not JSON', '$.a', 'plain', ['Failure', 'TypeError: message data is not JSON']]
]

for (const [name, path, data, expected] of cases) {
  test(`json path: ${name}`, async (t) => {
    assert.deepEqual(await read(t, path, data), expected)
  })
}

test('json path: "$" (the default) passes the message as it is, JSON or not', async (t) => {
  const msg = makeMsg({ data: 'not json' })
  const { exits } = await runNode(t, TYPE, {}, [msg])
  assert.equal(exits[0]?.msg, msg)
})

test('json path: an empty path, or Jayway-only filter operators, are load errors', async () => {
  assert.match(await loadError(TYPE, { jsonPath: '' }), /jsonPath must not be empty/)
  assert.match(await loadError(TYPE, { jsonPath: 'a.b' }), /jsonPath must start with "\$"/)
  assert.match(await loadError(TYPE, { jsonPath: '$.v[?(@.name =~ /a.*/)]' }), /Jayway filter operator/)
})

test("json path: every case gives what Jayway's JsonPath 2.9 gives on ThingsBoard's Jackson nodes", async (t) => {
  const extra: [string, string][] = [
    ['$.a.b', '{"a":{"b":[1,2.0,{"c":"x"}]}}'],
    ['$.a.b[2].c', '{"a":{"b":[1,2.0,{"c":"x"}]}}'],
    ['$.a.b[-1]', '{"a":{"b":[1,2.0,{"c":"x"}]}}'],
    ['$.a.*', '{"a":{"x":1,"y":[true]}}'],
    ['$..c', '{"a":{"b":[1,2.0,{"c":"x"}]},"c":3}'],
    ['$.a.missing.deeper', '{"a":{}}'],
    ["$['a']['b']", '{"a":{"b":1.50}}'],
    ['$.v[0:2]', '{"v":[1,2,3]}'],
    ['$.v.sum()', '{"v":[1,2,3.5]}'],
    ['$.v.min()', '{"v":[4,2,3]}'],
    ['$.o.keys()', '{"o":{"b":1,"a":2}}'],
    ['$.v.length()', '{"v":{"a":1,"b":2}}'],
    ['$.t[?(@.k == "x")].v', '{"t":[{"k":"x","v":1},{"k":"y","v":2}]}']
  ]
  const all = [...cases.map(([, path, data]) => [path, data] as [string, string]), ...extra]
  const jayway = await runOracle<{ result?: string; error?: string }>(
    'jsonpath',
    {},
    all.filter(([, data]) => data !== 'plain').map(([path, text]) => ({ path, text }))
  )
  const ours = await Promise.all(
    all.filter(([, data]) => data !== 'plain').map(([path, data]) => read(t, path, data))
  )
  assert.deepEqual(
    ours.map(([relation, out]) => (relation === 'Success' ? { result: out } : { error: out })),
    jayway
  )
})
