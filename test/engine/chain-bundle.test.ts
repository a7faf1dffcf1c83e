import { test } from 'node:test'
import assert from 'node:assert/strict'
import { loadChain, type ChainExit } from '../../src/engine/chain.js'
import { ChainLoadError } from '../../src/errors.js'
import { createDefaultRegistry } from '../../src/nodes/index.js'
import { makeMsg } from '../helpers/messages.js'

const SWITCH = 'org.thingsboard.rule.engine.filter.TbMsgTypeSwitchNode'
const INPUT = 'org.thingsboard.rule.engine.flow.TbRuleChainInputNode'
const OUTPUT = 'org.thingsboard.rule.engine.flow.TbRuleChainOutputNode'
const FILTER = 'org.thingsboard.rule.engine.filter.TbMsgTypeFilterNode'
const CHECK = 'org.thingsboard.rule.engine.filter.TbCheckMessageNode'
const MAIN_ID = '6f7d9a80-0000-4000-8000-000000000001'
const NESTED_ID = '6f7d9a80-0000-4000-8000-000000000002'

interface Node {
  type: string
  name: string
  configuration?: unknown
}

function exported(
  id: string,
  name: string,
  nodes: Node[],
  connections: [number, number, string][],
  options: { root?: boolean; first?: number } = {}
): unknown {
  return {
    ruleChain: { id: { entityType: 'RULE_CHAIN', id }, name, type: 'CORE', root: options.root ?? false },
    metadata: {
      firstNodeIndex: options.first ?? 0,
      nodes: nodes.map((n) => ({ ...n, configuration: n.configuration ?? {} })),
      connections: connections.map(([fromIndex, toIndex, type]) => ({ fromIndex, toIndex, type })),
      ruleChainConnections: null
    }
  }
}

// The nested chain sorts by type: telemetry returns on "Telemetry", attributes on "Attributes",
// anything else ends inside it, on the switch's "Other".
const nested = exported(
  NESTED_ID,
  'Sorter',
  [
    { type: SWITCH, name: 'Type' },
    { type: OUTPUT, name: 'Telemetry' },
    { type: OUTPUT, name: 'Attributes' }
  ],
  [
    [0, 1, 'Post telemetry'],
    [0, 2, 'Post attributes']
  ]
)
const main = exported(
  MAIN_ID,
  'Main',
  [
    {
      type: INPUT,
      name: 'Call sorter',
      configuration: { ruleChainId: NESTED_ID, forwardMsgToDefaultRuleChain: false }
    },
    { type: CHECK, name: 'Telemetry check', configuration: { messageNames: ['t'] } },
    { type: FILTER, name: 'Attributes filter' }
  ],
  [
    [0, 1, 'Telemetry'],
    [0, 2, 'Attributes']
  ],
  { root: true }
)

async function run(file: unknown, types: string[]): Promise<string[]> {
  const exits: ChainExit[] = []
  const chain = await loadChain(file, createDefaultRegistry(), { onExit: (e) => exits.push(e) })
  for (const type of types) await chain.push(makeMsg({ type, data: '{"t":1}' }))
  await chain.drain()
  await chain.destroy()
  return exits.map((e) => `${e.node}/${e.relation}/${e.msg.type}`)
}

test('a rule chain node passes messages into the called chain; its output nodes return them on their names', async () => {
  // The main chain is the root one, wherever it stands in the file.
  assert.deepEqual(
    await run([nested, main], ['POST_TELEMETRY_REQUEST', 'POST_ATTRIBUTES_REQUEST', 'CUSTOM']),
    [
      'Telemetry check/True/POST_TELEMETRY_REQUEST',
      'Attributes filter/True/POST_ATTRIBUTES_REQUEST',
      'Type/Other/CUSTOM'
    ]
  )
})

test('an output node whose relation the caller does not connect: the message leaves the chain there', async () => {
  const partial = exported(
    MAIN_ID,
    'Main',
    [
      { type: INPUT, name: 'Call sorter', configuration: { ruleChainId: NESTED_ID } },
      { type: CHECK, name: 'Telemetry check' }
    ],
    [[0, 1, 'Telemetry']]
  )
  assert.deepEqual(await run([partial, nested], ['POST_TELEMETRY_REQUEST', 'POST_ATTRIBUTES_REQUEST']), [
    'Telemetry check/True/POST_TELEMETRY_REQUEST',
    'Attributes/Attributes/POST_ATTRIBUTES_REQUEST'
  ])
})

test('the version-control export form loads too', async () => {
  const vc = (raw: unknown): unknown => {
    const { ruleChain, metadata } = raw as { ruleChain: unknown; metadata: unknown }
    return { entityType: 'RULE_CHAIN', entity: ruleChain, metaData: metadata }
  }
  assert.deepEqual(await run([vc(main), vc(nested)], ['POST_TELEMETRY_REQUEST']), [
    'Telemetry check/True/POST_TELEMETRY_REQUEST'
  ])
})

test('a called chain that is not in the file, or a chain calling itself, is one load error naming them', async () => {
  const missing = exported(
    MAIN_ID,
    'Main',
    [{ type: INPUT, name: 'Call', configuration: { ruleChainId: NESTED_ID } }],
    []
  )
  await assert.rejects(
    loadChain([missing], createDefaultRegistry()),
    new ChainLoadError(
      `node "Call" of rule chain "Main" calls rule chain ${NESTED_ID}, which is not in the file (known: ${MAIN_ID})`
    )
  )
  const back = exported(
    NESTED_ID,
    'Sorter',
    [{ type: INPUT, name: 'Back', configuration: { ruleChainId: MAIN_ID } }],
    []
  )
  const forth = exported(
    MAIN_ID,
    'Main',
    [{ type: INPUT, name: 'Forth', configuration: { ruleChainId: NESTED_ID } }],
    [],
    {
      root: true
    }
  )
  await assert.rejects(loadChain([forth, back], createDefaultRegistry()), (error: Error) => {
    assert.equal(
      error.message,
      `node "Back" of rule chain "Sorter" calls rule chain "Main" (${MAIN_ID}), which is already calling it: loops are not supported`
    )
    return true
  })
})

test('an empty chain, as ThingsBoard exports one, loads and consumes what it is given', async () => {
  const empty = {
    ruleChain: { name: 'Empty', type: 'CORE', root: false },
    metadata: { version: 1, firstNodeIndex: null, nodes: [], connections: [], ruleChainConnections: null }
  }
  const exits: ChainExit[] = []
  const chain = await loadChain(empty, createDefaultRegistry(), { onExit: (e) => exits.push(e) })
  await chain.push(makeMsg())
  await chain.drain()
  assert.deepEqual([exits.length, chain.entered, chain.consumed, chain.inFlight], [0, 1, 1, 0])
  await chain.destroy()
})

test('an empty array is not a chain', async () => {
  await assert.rejects(
    loadChain([], createDefaultRegistry()),
    /the file holds an empty array: no rule chain to run/
  )
})

test('a bad configuration in a called chain names the node and its chain', async () => {
  const bad = exported(
    NESTED_ID,
    'Sorter',
    [{ type: FILTER, name: 'Types', configuration: { messageTypes: 'x' } }],
    []
  )
  const caller = exported(
    MAIN_ID,
    'Main',
    [{ type: INPUT, name: 'Call', configuration: { ruleChainId: NESTED_ID } }],
    [],
    {
      root: true
    }
  )
  await assert.rejects(loadChain([caller, bad], createDefaultRegistry()), (error: Error) => {
    assert.equal(
      error.message,
      'node "Types" (org.thingsboard.rule.engine.filter.TbMsgTypeFilterNode, rule chain "Sorter", index 0): ConfigError: messageTypes must be an array of strings (got "x")'
    )
    return true
  })
})
