import { test } from 'node:test'
import assert from 'node:assert/strict'
import { makeMsg } from '../../helpers/messages.js'
import { runNode, startNode } from '../../helpers/node-harness.js'

const TYPE = 'org.thingsboard.rule.engine.delay.TbMsgDelayNode'

test('delay: the message goes on Success after the period, unchanged but for a new id', async (t) => {
  const msg = makeMsg({ metadata: { a: 'b' }, data: '{"t":1.50}' })
  const { exits } = await runNode(t, TYPE, { periodInSeconds: 1 }, [msg])
  assert.equal(exits.length, 1)
  const out = exits[0]!
  assert.equal(out.relation, 'Success')
  assert.notEqual(out.msg.id, msg.id)
  assert.deepEqual({ ...out.msg.toJSON(), id: msg.id }, msg.toJSON())
})

test('delay: the period from a pattern; one that is not an integer fails the message', async (t) => {
  const { exits } = await runNode(
    t,
    TYPE,
    { useMetadataPeriodInSecondsPatterns: true, periodInSecondsPattern: '${delay}' },
    [
      makeMsg({ metadata: { delay: '0' } }),
      makeMsg({ metadata: { delay: '1.5' } }),
      makeMsg({ metadata: {} })
    ]
  )
  // As ThingsBoard: NumberUtils.isParsable, then Integer.parseInt.
  assert.deepEqual(
    exits.map((e) => [e.relation, e.msg.metadata.error]),
    [
      ['Failure', 'NumberFormatException: For input string: "1.5"'],
      ['Failure', "Error: Can't parse period in seconds from metadata using pattern: ${delay}"],
      ['Success', undefined]
    ]
  )
})

test('delay: beyond maxPendingMsgs a message goes to Failure; the held one still leaves', async (t) => {
  const first = makeMsg({ id: '00000000-0000-4000-8000-000000000001' })
  const second = makeMsg({ id: '00000000-0000-4000-8000-000000000002' })
  const { exits } = await runNode(t, TYPE, { periodInSeconds: 1, maxPendingMsgs: 1 }, [first, second])
  assert.deepEqual(
    exits.map((e) => [e.relation, e.relation === 'Failure' ? e.msg.id : 'new id', e.msg.metadata.error]),
    [
      ['Failure', second.id, 'Error: Max limit of pending messages reached!'],
      ['Success', 'new id', undefined]
    ]
  )
})

test('delay: a stop clears the timers and fails the held messages', async (t) => {
  const { chain, exits } = await startNode(t, TYPE, { periodInSeconds: 3600 })
  await chain.push(makeMsg())
  await chain.push(makeMsg())
  assert.equal(chain.inFlight, 2)
  await chain.destroy()
  assert.deepEqual(
    exits.map((e) => [e.relation, e.msg.metadata.error]),
    [
      ['Failure', 'Error: node "Node" stopped before it passed the message on'],
      ['Failure', 'Error: node "Node" stopped before it passed the message on']
    ]
  )
  assert.equal(chain.inFlight, 0)
})
