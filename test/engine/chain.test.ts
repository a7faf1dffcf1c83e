import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { loadChain, type Chain, type ChainExit } from '../../src/engine/chain.js'
import { ChainLoadError } from '../../src/errors.js'
import { chainExport, testRegistry } from '../helpers/test-nodes.js'
import { makeMsg } from '../helpers/messages.js'

const SWITCH = 'org.thingsboard.rule.engine.filter.TbMsgTypeSwitchNode'
const LOG = 'org.thingsboard.rule.engine.action.TbLogNode'

async function start(t: TestContext, exported: unknown): Promise<{ chain: Chain; exits: ChainExit[] }> {
  const exits: ChainExit[] = []
  const chain = await loadChain(exported, testRegistry(), { onExit: (exit) => exits.push(exit) })
  t.after(() => chain.destroy())
  return { chain, exits }
}

function summary(exits: ChainExit[]): string[] {
  return exits.map((e) => `${e.node}/${e.relation}/${e.msg.type}/${e.msg.metadata.error ?? ''}`)
}

test('routes by message type and reports each message leaving the chain once', async (t) => {
  const { chain, exits } = await start(
    t,
    chainExport(
      [
        { type: SWITCH, name: 'Switch' },
        { type: LOG, name: 'Log' }
      ],
      [[0, 1, 'Post telemetry']]
    )
  )
  // ALARM_DELETE is one of ThingsBoard's types without a connection of its own: Other.
  for (const type of ['POST_TELEMETRY_REQUEST', 'POST_ATTRIBUTES_REQUEST', 'CUSTOM', 'ALARM_DELETE'])
    await chain.push(makeMsg({ type }))
  await chain.drain()
  assert.deepEqual(summary(exits), [
    'Log/Success/POST_TELEMETRY_REQUEST/',
    'Switch/Post attributes/POST_ATTRIBUTES_REQUEST/',
    'Switch/Other/CUSTOM/',
    'Switch/Other/ALARM_DELETE/'
  ])
  assert.equal(chain.inFlight, 0)
  assert.deepEqual(
    chain.stats().map((s) => [s.name, s.received, Object.fromEntries(s.told)]),
    [
      ['Switch', 4, { 'Post telemetry': 1, 'Post attributes': 1, Other: 2 }],
      ['Log', 1, { Success: 1 }]
    ]
  )
})

test('fans a message out to every connection of its relation, and drain waits for all copies', async (t) => {
  const { chain, exits } = await start(
    t,
    chainExport(
      [
        { type: LOG, name: 'Log' },
        { type: 'test.delay', name: 'Slow', configuration: { delayMs: 20 } },
        { type: 'test.delay', name: 'Fast', configuration: { delayMs: 1 } }
      ],
      [
        [0, 1, 'Success'],
        [0, 2, 'Success']
      ]
    )
  )
  await chain.push(makeMsg())
  assert.equal(chain.inFlight, 2)
  await chain.drain()
  assert.deepEqual(
    exits.map((e) => [e.node, e.relation, e.msg.metadata.delayed]),
    [
      ['Fast', 'Success', 'true'],
      ['Slow', 'Success', 'true']
    ]
  )
})

test('push tells its pusher once the message and every copy a fork made of it have left the chain', async (t) => {
  const { chain, exits } = await start(
    t,
    chainExport(
      [
        { type: LOG, name: 'Log' },
        { type: 'test.delay', name: 'Slow', configuration: { delayMs: 20 } },
        { type: 'test.delay', name: 'Fast', configuration: { delayMs: 1 } }
      ],
      [
        [0, 1, 'Success'],
        [0, 2, 'Success']
      ]
    )
  )
  const settled: string[] = []
  await chain.push(makeMsg(), () => settled.push(`settled after ${exits.length} exits`))
  assert.deepEqual(settled, [])
  await chain.drain()
  assert.deepEqual(settled, ['settled after 2 exits'])
  await chain.push(makeMsg())
  await chain.drain()
  assert.equal(exits.length, 4)
  assert.deepEqual(settled, ['settled after 2 exits'], 'a push without a callback tells nobody')
})

test('messages pushed one after another settle each on its own last copy, not on the others', async (t) => {
  const { chain, exits } = await start(
    t,
    chainExport(
      [
        { type: LOG, name: 'Log' },
        { type: 'test.delay', name: 'Slow', configuration: { delayMs: 30 } },
        { type: 'test.delay', name: 'Fast', configuration: { delayMs: 1 } }
      ],
      [
        [0, 1, 'Success'],
        [0, 2, 'Success']
      ]
    )
  )
  const settled: string[] = []
  const onSettled = (name: string) => () =>
    settled.push(`${name} after ${exits.map((e) => `${e.node}/${e.msg.type}`).join(' ')}`)
  await chain.push(makeMsg({ type: 'A' }), onSettled('A'))
  await chain.push(makeMsg({ type: 'B' }), onSettled('B'))
  // Pushed without a callback: accounted as before, reported to nobody.
  await chain.push(makeMsg({ type: 'C' }))
  await chain.drain()
  assert.deepEqual(settled, [
    'A after Fast/A Fast/B Fast/C Slow/A',
    'B after Fast/A Fast/B Fast/C Slow/A Slow/B'
  ])
})

test('push tells its pusher once every message a split made has left, and when a node ends the message', async (t) => {
  const { chain, exits } = await start(
    t,
    chainExport(
      [
        { type: 'org.thingsboard.rule.engine.transform.TbSplitArrayMsgNode', name: 'Split' },
        { type: 'test.delay', name: 'Slow', configuration: { delayMs: 5 } }
      ],
      [[0, 1, 'Success']]
    )
  )
  const settled: string[] = []
  await chain.push(makeMsg({ data: '[1,2,3]' }), () =>
    settled.push(`split settled after ${exits.length} exits`)
  )
  // An empty array: the split node ends the message without passing anything on.
  await chain.push(makeMsg({ data: '[]' }), () => settled.push(`empty settled after ${exits.length} exits`))
  await chain.drain()
  assert.deepEqual(settled, ['empty settled after 0 exits', 'split settled after 3 exits'])
  assert.deepEqual(
    exits.map((e) => [e.node, e.relation, e.msg.data]),
    [
      ['Slow', 'Success', '1'],
      ['Slow', 'Success', '2'],
      ['Slow', 'Success', '3']
    ]
  )
})

for (const [mode, error] of [
  ['sync', 'TypeError: boom'],
  ['async', 'RangeError: rejected']
] as const) {
  test(`a node that ${mode === 'sync' ? 'throws' : 'rejects'} sends the message to Failure with error metadata`, async (t) => {
    const { chain, exits } = await start(
      t,
      chainExport([{ type: 'test.throw', name: 'Thrower', configuration: { mode } }], [])
    )
    await chain.push(makeMsg({ metadata: { a: '1' } }))
    await chain.drain()
    assert.equal(exits.length, 1)
    assert.equal(exits[0]?.relation, 'Failure')
    assert.deepEqual(exits[0]?.msg.metadata, { a: '1', error })
  })
}

test('a throw after the node told its message onwards does not send it twice', async (t) => {
  const { chain, exits } = await start(
    t,
    chainExport([{ type: 'test.throw', name: 'T', configuration: { mode: 'after-tell' } }], [])
  )
  await chain.push(makeMsg())
  await chain.drain()
  assert.deepEqual(summary(exits), ['T/Success/POST_TELEMETRY_REQUEST/'])
})

test('a second telling of the same message is ignored', async (t) => {
  const { chain, exits } = await start(
    t,
    chainExport([{ type: 'test.throw', name: 'T', configuration: { mode: 'twice' } }], [])
  )
  await chain.push(makeMsg())
  await chain.drain()
  assert.deepEqual(summary(exits), ['T/Success/POST_TELEMETRY_REQUEST/'])
  assert.equal(chain.inFlight, 0)
})

test('backpressure: push returns the downstream acceptance through a synchronous node', async (t) => {
  const { chain, exits } = await start(
    t,
    chainExport(
      [
        { type: SWITCH, name: 'Switch' },
        { type: 'test.slow-accept', name: 'Slow' }
      ],
      [[0, 1, 'Post telemetry']]
    )
  )
  const accepted = chain.push(makeMsg())
  assert.ok(accepted instanceof Promise)
  assert.equal(chain.push(makeMsg({ type: 'OTHER' })), undefined)
  await accepted
  await chain.drain()
  assert.deepEqual(summary(exits), ['Switch/Other/OTHER/', 'Slow/Success/POST_TELEMETRY_REQUEST/'])
})

test('destroy fails the messages a node still holds, so none is lost', async () => {
  const exits: ChainExit[] = []
  const chain = await loadChain(
    chainExport([{ type: 'test.black-hole', name: 'Hole' }], []),
    testRegistry(),
    {
      onExit: (e) => exits.push(e)
    }
  )
  await chain.push(makeMsg())
  await chain.push(makeMsg())
  assert.equal(chain.inFlight, 2)
  await chain.destroy()
  assert.deepEqual(summary(exits), [
    'Hole/Failure/POST_TELEMETRY_REQUEST/Error: node "Hole" stopped before it passed the message on',
    'Hole/Failure/POST_TELEMETRY_REQUEST/Error: node "Hole" stopped before it passed the message on'
  ])
  assert.equal(chain.inFlight, 0)
  assert.throws(() => chain.push(makeMsg()), /the chain is stopping/)
})

test('an unknown node type is a load error naming the node and the type', async () => {
  await assert.rejects(
    loadChain(chainExport([{ type: 'org.example.Nope', name: 'Mystery' }], []), testRegistry()),
    (error: unknown) => {
      assert.ok(error instanceof ChainLoadError)
      assert.equal(
        error.message,
        '1 node has a type this engine does not support: "Mystery" (org.example.Nope, index 0); with --stub-unsupported each passes its messages on Success unchanged'
      )
      return true
    }
  )
})

test('an invalid node configuration is a load error naming node, type and field', async () => {
  await assert.rejects(
    loadChain(
      chainExport([{ type: 'test.bad-config', name: 'Sizer', configuration: { size: 0 } }], []),
      testRegistry()
    ),
    (error: unknown) => {
      assert.ok(error instanceof ChainLoadError)
      assert.equal(
        error.message,
        'node "Sizer" (test.bad-config, index 0): ConfigError: size must be an integer >= 1 (got 0)'
      )
      assert.equal(error.context.node, 'Sizer')
      assert.equal(error.context.field, 'size')
      return true
    }
  )
})

test('the built-in switch rejects a bad configuration with the field named', async () => {
  await assert.rejects(
    loadChain(
      chainExport([{ type: SWITCH, name: 'S', configuration: { version: 'x' } }], []),
      testRegistry()
    ),
    { message: `node "S" (${SWITCH}, index 0): ConfigError: version must be an integer >= 0 (got "x")` }
  )
})

/** A line of `length` log nodes (each passes its message on Success), as a ThingsBoard export. */
function longChain(length: number): unknown {
  const nodes = Array.from({ length }, (_, i) => ({ type: LOG, name: `Log ${i}` }))
  const connections = Array.from({ length: length - 1 }, (_, i): [number, number, string] => [
    i,
    i + 1,
    'Success'
  ])
  return chainExport(nodes, connections)
}

test('a message passes a chain of 5,000 nodes and leaves at its end exactly once', async (t) => {
  const { chain, exits } = await start(t, longChain(5000))
  assert.equal(chain.push(makeMsg()), undefined)
  await chain.drain()
  assert.deepEqual(summary(exits), ['Log 4999/Success/POST_TELEMETRY_REQUEST/'])
  assert.equal(chain.inFlight, 0)
  assert.equal(chain.stats()[4999]?.received, 1)
  assert.deepEqual([...(chain.stats()[4999]?.told ?? [])], [['Success', 1]])
})

test('a chain of 50,000 nodes loads, runs and stops', async (t) => {
  const { chain, exits } = await start(t, longChain(50_000))
  await chain.push(makeMsg())
  await chain.drain()
  assert.deepEqual(summary(exits), ['Log 49999/Success/POST_TELEMETRY_REQUEST/'])
})
