import { test } from 'node:test'
import assert from 'node:assert/strict'
import { makeMsg } from '../../helpers/messages.js'
import { loadError, runNode } from '../../helpers/node-harness.js'

const RENAME = 'org.thingsboard.rule.engine.transform.TbRenameKeysNode'
const COPY = 'org.thingsboard.rule.engine.transform.TbCopyKeysNode'
const DELETE = 'org.thingsboard.rule.engine.transform.TbDeleteKeysNode'

const metadata = { TestKey_1: 'Test', country: 'US', voltageDataValue: '220', city: 'NY' }

async function one(
  t: import('node:test').TestContext,
  type: string,
  config: unknown,
  data: string
): Promise<{ relation: string; metadata: unknown; data: string; same: boolean }> {
  const msg = makeMsg({ metadata, data })
  const { exits } = await runNode(t, type, config, [msg])
  assert.equal(exits.length, 1)
  const exit = exits[0]!
  return { relation: exit.relation, metadata: exit.msg.metadata, data: exit.msg.data, same: exit.msg === msg }
}

test('rename keys in data: mapped keys renamed, the rest kept in order, decimals as Java prints them', async (t) => {
  const out = await one(
    t,
    RENAME,
    { renameIn: 'DATA', renameKeysMapping: { TestKey_1: 'Attribute_1', TestKey_2: 'Attribute_2' } },
    '{"Temperature_1":22.50,"TestKey_2":10.3,"z":1}'
  )
  assert.deepEqual(out, {
    relation: 'Success',
    metadata,
    data: '{"Temperature_1":22.5,"z":1,"Attribute_2":10.3}',
    same: false
  })
})

test('rename keys in metadata', async (t) => {
  const out = await one(
    t,
    RENAME,
    { renameIn: 'METADATA', renameKeysMapping: { TestKey_1: 'Attribute_1' } },
    '{}'
  )
  assert.deepEqual(out, {
    relation: 'Success',
    metadata: { country: 'US', voltageDataValue: '220', city: 'NY', Attribute_1: 'Test' },
    data: '{}',
    same: false
  })
})

test('rename keys: nothing to rename, or data not an object: the same message', async (t) => {
  const config = { renameKeysMapping: { temperatureCelsius: 'temperature' } }
  assert.equal((await one(t, RENAME, config, '{"a":1.50}')).same, true)
  assert.equal((await one(t, RENAME, config, '[]')).same, true)
})

test('rename keys: version 0 and 1 configurations are upgraded as ThingsBoard does', async (t) => {
  for (const fromMetadata of [true, 'METADATA']) {
    const out = await one(t, RENAME, { fromMetadata, renameKeysMapping: { city: 'town' } }, '{}')
    assert.deepEqual(out.metadata, { TestKey_1: 'Test', country: 'US', voltageDataValue: '220', town: 'NY' })
  }
})

test('rename keys: an empty mapping is a load error', async () => {
  assert.match(
    await loadError(RENAME, { renameKeysMapping: {} }),
    /renameKeysMapping must have at least one entry/
  )
})

test('rename keys: data that is not JSON fails the message', async (t) => {
  const out = await one(t, RENAME, { renameKeysMapping: { a: 'b' } }, 'not json')
  assert.equal(out.relation, 'Failure')
  assert.equal((out.metadata as Record<string, string>).error, 'TypeError: message data is not JSON')
})

test('copy keys from metadata into data, matching Java regular expressions', async (t) => {
  const out = await one(
    t,
    COPY,
    { copyFrom: 'METADATA', keys: ['TestKey_1', 'TestKey_2', '(\\w*)Data(\\w*)'] },
    '{"t":1.0}'
  )
  assert.deepEqual(out, {
    relation: 'Success',
    metadata,
    data: '{"t":1.0,"TestKey_1":"Test","voltageDataValue":"220"}',
    same: false
  })
})

test("copy keys from data into metadata: text as is, other values as Jackson's JSON", async (t) => {
  const data =
    '{"nullKey":null,"stringKey":"value1","booleanKey":true,"doubleKey":42.0,"longKey":73,' +
    '"jsonKey":{"someNumber":42,"someArray":[1,2,3],"someNestedObject":{"key":"value"}},"other":1}'
  const out = await one(t, COPY, { copyFrom: 'DATA', keys: ['.*Key$'] }, data)
  assert.deepEqual(out.metadata, {
    ...metadata,
    nullKey: 'null',
    stringKey: 'value1',
    booleanKey: 'true',
    doubleKey: '42.0',
    longKey: '73',
    jsonKey: '{"someNumber":42,"someArray":[1,2,3],"someNestedObject":{"key":"value"}}'
  })
  assert.equal(out.data, data)
})

test('copy keys: no keys, or data not an object: the same message; data not JSON: Failure', async (t) => {
  assert.equal((await one(t, COPY, {}, '{"DigitData":22.5}')).same, true)
  assert.equal((await one(t, COPY, { keys: ['.*'] }, '[]')).same, true)
  assert.equal((await one(t, COPY, { copyFrom: 'METADATA', keys: ['.*'] }, 'text')).relation, 'Failure')
})

test('copy keys: a pattern that is not a regular expression is a load error naming it', async () => {
  assert.match(await loadError(COPY, { keys: ['ok', '(['] }), /keys\[1\] is not a regular expression/)
})

test('delete keys from data and from metadata', async (t) => {
  const fromData = await one(
    t,
    DELETE,
    { deleteFrom: 'DATA', keys: ['Test.*', 'x'] },
    '{"TestKey_2":1,"keep":2.50,"x":3}'
  )
  assert.deepEqual(fromData, { relation: 'Success', metadata, data: '{"keep":2.5}', same: false })
  const fromMetadata = await one(t, DELETE, { deleteFrom: 'METADATA', keys: ['c.*'] }, '{}')
  assert.deepEqual(fromMetadata.metadata, { TestKey_1: 'Test', voltageDataValue: '220' })
})

test('delete keys: version 1 "dataToFetch" is upgraded; nothing matched: the same message', async (t) => {
  const out = await one(t, DELETE, { dataToFetch: 'METADATA', keys: ['city'] }, '{}')
  assert.deepEqual(out.metadata, { TestKey_1: 'Test', country: 'US', voltageDataValue: '220' })
  assert.equal((await one(t, DELETE, { keys: ['nope'] }, '{"a":1}')).same, true)
})
