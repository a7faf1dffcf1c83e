import { test } from 'node:test'
import assert from 'node:assert/strict'
import { makeMsg } from '../../helpers/messages.js'
import { loadError, runNode } from '../../helpers/node-harness.js'
import type { TbMsg } from '../../../src/msg/message.js'

const TYPE = 'org.thingsboard.rule.engine.deduplication.TbMsgDeduplicationNode'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const OTHER = { entityType: 'DEVICE', id: '00000000-0000-4000-8000-0000000000cc' }

// Metadata ts in the past: every pack's span has passed at the first tick (interval + 1 ms).
function messages(): TbMsg[] {
  return [
    makeMsg({ id: '00000000-0000-4000-8000-000000000001', metadata: { ts: '1000' }, data: '{"t":1}' }),
    makeMsg({ id: '00000000-0000-4000-8000-000000000002', metadata: { ts: '1999' }, data: '{"t":2.50}' }),
    makeMsg({ id: '00000000-0000-4000-8000-000000000003', metadata: { ts: '2000' }, data: '{"t":3}' }),
    makeMsg({
      id: '00000000-0000-4000-8000-000000000004',
      originator: OTHER,
      metadata: { ts: '1500' },
      data: '{"t":4}'
    })
  ]
}

test('deduplication FIRST: the earliest of each pack per originator, under a new id; the rest consumed', async (t) => {
  const input = messages()
  const { exits, chain } = await runNode(t, TYPE, { interval: 1, strategy: 'FIRST' }, input)
  assert.deepEqual(
    exits.map((e) => [e.relation, e.msg.data, e.msg.metadata.ts, e.msg.originator.id]),
    [
      ['Success', '{"t":1}', '1000', input[0]!.originator.id],
      ['Success', '{"t":3}', '2000', input[0]!.originator.id],
      ['Success', '{"t":4}', '1500', OTHER.id]
    ]
  )
  for (const [i, exit] of exits.entries()) {
    assert.match(exit.msg.id, UUID)
    assert.ok(!input.some((m) => m.id === exit.msg.id), `exit ${i} has a new id`)
  }
  assert.equal(chain.consumed, 1)
  assert.equal(chain.inFlight, 0)
})

test('deduplication LAST: the latest of each pack', async (t) => {
  const { exits } = await runNode(t, TYPE, { interval: 1, strategy: 'LAST' }, messages())
  assert.deepEqual(
    exits.map((e) => e.msg.data),
    ['{"t":2.50}', '{"t":3}', '{"t":4}']
  )
})

test('deduplication ALL: one new message per pack holding every message and its metadata', async (t) => {
  const input = messages()
  const { exits, chain } = await runNode(
    t,
    TYPE,
    { interval: 1, strategy: 'ALL', outMsgType: 'POST_TELEMETRY_REQUEST' },
    input
  )
  assert.deepEqual(
    exits.map((e) => [e.relation, e.msg.type, e.msg.originator, e.msg.data, Object.keys(e.msg.metadata)]),
    [
      [
        'Success',
        'POST_TELEMETRY_REQUEST',
        input[0]!.originator,
        '[{"msg":{"t":1},"metadata":{"ts":"1000"}},{"msg":{"t":2.5},"metadata":{"ts":"1999"}}]',
        ['ts']
      ],
      [
        'Success',
        'POST_TELEMETRY_REQUEST',
        input[0]!.originator,
        '[{"msg":{"t":3},"metadata":{"ts":"2000"}}]',
        ['ts']
      ],
      ['Success', 'POST_TELEMETRY_REQUEST', OTHER, '[{"msg":{"t":4},"metadata":{"ts":"1500"}}]', ['ts']]
    ]
  )
  for (const exit of exits) assert.match(exit.msg.metadata.ts ?? '', /^\d{13}$/)
  assert.equal(chain.consumed, 1)
})

test('deduplication: one more than maxPendingMsgs per originator goes to Failure at once', async (t) => {
  const input = messages()
  const { exits } = await runNode(t, TYPE, { interval: 1, maxPendingMsgs: 2 }, input)
  assert.deepEqual(
    exits.map((e) => [e.relation, e.msg.id, e.msg.metadata.error]),
    [
      [
        'Failure',
        input[2]!.id,
        `Error: [0] Max limit of pending messages reached for deduplication id: [${input[2]!.originator.id}]`
      ],
      ['Success', exits[1]!.msg.id, undefined],
      ['Success', exits[2]!.msg.id, undefined]
    ]
  )
})

test('deduplication: held messages are failed, not lost, when the chain stops', async (t) => {
  const { startNode } = await import('../../helpers/node-harness.js')
  const { chain, exits } = await startNode(t, TYPE, { interval: 3600 })
  await chain.push(messages()[0]!)
  await chain.destroy()
  assert.deepEqual(
    exits.map((e) => [e.relation, e.msg.metadata.error]),
    [['Failure', 'Error: node "Node" stopped before it passed the message on']]
  )
  assert.equal(chain.inFlight, 0)
})

test("deduplication: strategy ALL needs outMsgType; defaults are ThingsBoard's", async () => {
  assert.match(await loadError(TYPE, { strategy: 'ALL' }), /outMsgType is needed with strategy ALL/)
  assert.match(
    await loadError(TYPE, { strategy: 'SOME' }),
    /strategy must be one of FIRST, LAST, ALL \(got "SOME"\)/
  )
})
