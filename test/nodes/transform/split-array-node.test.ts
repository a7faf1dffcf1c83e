import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ServiceMetrics } from '../../../src/service/metrics.js'
import { makeMsg } from '../../helpers/messages.js'
import { exitJson, runNode } from '../../helpers/node-harness.js'

const TYPE = 'org.thingsboard.rule.engine.transform.TbSplitArrayMsgNode'
const metadata = { country: 'US', city: 'NY' }

test('split array: one message per element on Success, all else (id too) unchanged', async (t) => {
  const msg = makeMsg({
    metadata,
    data: '[{"Attribute_1":22.50,"Attribute_2":10.3}, {"Attribute_1":1,"Attribute_2":2}, "x"]'
  })
  const { exits, chain } = await runNode(t, TYPE, {}, [msg])
  assert.deepEqual(
    exits.map(exitJson),
    ['{"Attribute_1":22.5,"Attribute_2":10.3}', '{"Attribute_1":1,"Attribute_2":2}', '"x"'].map((data) => ({
      relation: 'Success',
      msg: { ...msg.toJSON(), data }
    }))
  )
  assert.equal(chain.inFlight, 0)
  assert.equal(chain.consumed, 0)
})

test('split array: one element gives one message; an empty array is consumed', async (t) => {
  const { exits, chain } = await runNode(t, TYPE, {}, [
    makeMsg({ data: '[{"a":1}]' }),
    makeMsg({ data: '[]' })
  ])
  assert.deepEqual(
    exits.map((e) => [e.relation, e.msg.data]),
    [['Success', '{"a":1}']]
  )
  assert.equal(chain.consumed, 1)
  assert.equal(chain.inFlight, 0)
  const metrics = new ServiceMetrics()
  metrics.attachChain(chain)
  const lines = (await metrics.text())
    .split('\n')
    .filter((l) => l.startsWith('krn_node_messages_consumed_total'))
  assert.deepEqual(lines, ['krn_node_messages_consumed_total{node="Node"} 1'])
})

test('split array: data that is not a JSON array fails the message', async (t) => {
  const msg = makeMsg({ data: '{"Attribute_1":22.5}' })
  const { exits } = await runNode(t, TYPE, {}, [msg, makeMsg({ data: 'text' })])
  assert.deepEqual(
    exits.map((e) => [e.relation, e.msg.data, e.msg.metadata.error]),
    [
      ['Failure', '{"Attribute_1":22.5}', 'Error: Msg data is not a JSON Array!'],
      ['Failure', 'text', 'Error: Msg data is not a JSON Array!']
    ]
  )
})
