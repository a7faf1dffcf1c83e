import { test } from 'node:test'
import assert from 'node:assert/strict'
import { makeMsg } from '../../helpers/messages.js'
import { loadError, runNode } from '../../helpers/node-harness.js'

const TYPE = 'org.thingsboard.rule.engine.filter.TbCheckMessageNode'
const msg = makeMsg({ metadata: { deviceName: 'T1', ts: '1' }, data: '{"temperature":21.5,"humidity":null}' })

const cases: { name: string; config: unknown; relation: string }[] = [
  { name: 'defaults (nothing listed, all): True', config: {}, relation: 'True' },
  { name: 'nothing listed, at least one: False', config: { checkAllKeys: false }, relation: 'False' },
  {
    name: 'all present in data and metadata: True',
    config: { messageNames: ['temperature', 'humidity'], metadataNames: ['deviceName'] },
    relation: 'True'
  },
  {
    name: 'one data key missing: False',
    config: { messageNames: ['temperature', 'pressure'], metadataNames: ['deviceName'] },
    relation: 'False'
  },
  {
    name: 'a metadata key missing: False',
    config: { metadataNames: ['deviceName', 'deviceType'] },
    relation: 'False'
  },
  {
    name: 'at least one: one metadata key present: True',
    config: { messageNames: ['pressure'], metadataNames: ['deviceType', 'ts'], checkAllKeys: false },
    relation: 'True'
  },
  {
    name: 'at least one: none present: False',
    config: { messageNames: ['pressure'], metadataNames: ['deviceType'], checkAllKeys: false },
    relation: 'False'
  }
]

for (const { name, config, relation } of cases) {
  test(`check fields: ${name}`, async (t) => {
    const { exits } = await runNode(t, TYPE, config, [msg])
    assert.deepEqual(
      exits.map((e) => [e.relation, e.msg]),
      [[relation, msg]]
    )
  })
}

test('check fields: data that is not a JSON object fails the message when data keys are listed', async (t) => {
  const array = makeMsg({ data: '[1]' })
  const { exits } = await runNode(t, TYPE, { messageNames: ['a'] }, [array])
  assert.deepEqual(
    exits.map((e) => [e.relation, e.msg.metadata.error]),
    [['Failure', 'TypeError: message data is not a JSON object, so its keys cannot be checked']]
  )
})

test('check fields: a bad configuration names the field', async () => {
  assert.match(
    await loadError(TYPE, { messageNames: 'a' }),
    /messageNames must be an array of strings \(got "a"\)/
  )
})
