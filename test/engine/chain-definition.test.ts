import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { readChainDefinition } from '../../src/engine/chain-definition.js'
import { ChainLoadError } from '../../src/errors.js'
import { chainExport } from '../helpers/test-nodes.js'

const SWITCH = 'org.thingsboard.rule.engine.filter.TbMsgTypeSwitchNode'
const LOG = 'org.thingsboard.rule.engine.action.TbLogNode'

test('reads a ThingsBoard export: nodes, connections, first node', () => {
  const definition = readChainDefinition(JSON.parse(readFileSync('examples/switch-log.json', 'utf8')))
  assert.equal(definition.name, 'Type switch to log')
  assert.equal(definition.firstNodeIndex, 0)
  assert.deepEqual(
    definition.nodes.map((n) => [n.index, n.id, n.type, n.name]),
    [
      [0, '0', SWITCH, 'Message Type Switch'],
      [1, '1', LOG, 'Log Telemetry']
    ]
  )
  assert.deepEqual(definition.connections, [{ fromIndex: 0, toIndex: 1, type: 'Post telemetry' }])
})

test('accepts the metadata object alone, and node ids as ThingsBoard exports them', () => {
  const definition = readChainDefinition({
    nodes: [{ id: { entityType: 'RULE_NODE', id: 'abc' }, type: LOG, name: 'L' }],
    connections: null
  })
  assert.equal(definition.nodes[0]?.id, 'abc')
  assert.deepEqual(definition.connections, [])
})

const bad: { name: string; raw: unknown; error: string }[] = [
  { name: 'not an object', raw: 'x', error: 'a rule chain export must be a JSON object' },
  {
    name: 'no nodes',
    raw: { ruleChain: {} },
    error: 'not a rule chain export: expected "metadata": { "nodes": [...], "connections": [...] }'
  },
  {
    name: 'node without type',
    raw: { metadata: { nodes: [{ name: 'x' }] } },
    error: 'metadata.nodes[0].type must be a ThingsBoard node class name'
  },
  {
    name: 'connection to a missing index',
    raw: chainExport(
      [
        { type: SWITCH, name: 'S' },
        { type: LOG, name: 'L' }
      ],
      [[0, 7, 'Other']]
    ),
    error: 'metadata.connections[0].toIndex is 7, but the chain has 2 nodes (0-1)'
  },
  {
    name: 'connection from a negative index',
    raw: chainExport([{ type: LOG, name: 'L' }], [[-1, 0, 'Success']]),
    error: 'metadata.connections[0].fromIndex is -1, but the chain has 1 nodes (0-0)'
  },
  {
    name: 'connection without a relation',
    raw: chainExport(
      [
        { type: LOG, name: 'L' },
        { type: LOG, name: 'M' }
      ],
      [[0, 1, '']]
    ),
    error: 'metadata.connections[0].type must be a relation name such as "Success"'
  },
  {
    name: 'first node out of range',
    raw: chainExport([{ type: LOG, name: 'L' }], [], 3),
    error: 'metadata.firstNodeIndex is 3, but the chain has 1 nodes (0-0)'
  },
  {
    name: 'a cycle',
    raw: chainExport(
      [
        { type: SWITCH, name: 'S' },
        { type: LOG, name: 'A' },
        { type: LOG, name: 'B' }
      ],
      [
        [0, 1, 'Other'],
        [1, 2, 'Success'],
        [2, 1, 'Success']
      ]
    ),
    error:
      'the chain has a cycle: "A" (1) -> "B" (2) -> "A" (1); loops are not supported, every message must leave the chain'
  },
  {
    name: 'connections to other chains',
    raw: { metadata: { nodes: [{ type: LOG, name: 'L' }], ruleChainConnections: [{ fromIndex: 0 }] } },
    error: 'metadata.ruleChainConnections: connections to other rule chains are not supported'
  }
]

for (const row of bad) {
  test(`rejects an export with ${row.name}, naming what is wrong`, () => {
    assert.throws(
      () => readChainDefinition(row.raw),
      (error: unknown) => {
        assert.ok(error instanceof ChainLoadError)
        assert.equal(error.message, row.error)
        return true
      }
    )
  })
}

/** `length` log nodes in a line; with `closed`, the last one leads back to the first. */
function line(length: number, closed: boolean): unknown {
  const nodes = Array.from({ length }, (_, i) => ({ type: LOG, name: `N${i}` }))
  const connections = Array.from(
    { length: closed ? length : length - 1 },
    (_, i): [number, number, string] => [i, (i + 1) % length, 'Success']
  )
  return chainExport(nodes, connections)
}

test('reads a chain of 50,000 nodes in a line', () => {
  const definition = readChainDefinition(line(50_000, false))
  assert.equal(definition.nodes.length, 50_000)
  assert.equal(definition.connections.length, 49_999)
})

test('rejects a cycle through 50,000 nodes, naming every node of it', () => {
  const names = Array.from({ length: 50_001 }, (_, i) => `"N${i % 50_000}" (${i % 50_000})`)
  assert.throws(
    () => readChainDefinition(line(50_000, true)),
    (error: unknown) => {
      assert.ok(error instanceof ChainLoadError)
      assert.equal(
        error.message,
        `the chain has a cycle: ${names.join(' -> ')}; loops are not supported, every message must leave the chain`
      )
      return true
    }
  )
})
