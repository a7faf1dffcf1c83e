// Reads a ThingsBoard rule-chain export (`{ ruleChain, metadata: { nodes, connections,
// firstNodeIndex } }`, or the metadata object alone) into a checked, plain description.

import { ChainLoadError } from '../errors.js'

/** One node of a chain as exported. */
export interface NodeSpec {
  readonly index: number
  readonly id: string
  readonly type: string
  readonly name: string
  readonly configuration: unknown
}

/** One connection: messages leaving `fromIndex` on relation `type` go to `toIndex`. */
export interface ConnectionSpec {
  readonly fromIndex: number
  readonly toIndex: number
  readonly type: string
}

/** A chain export, checked for shape, index range and cycles. */
export interface ChainDefinition {
  readonly name: string
  readonly firstNodeIndex: number
  readonly nodes: readonly NodeSpec[]
  readonly connections: readonly ConnectionSpec[]
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function nodeId(raw: Record<string, unknown>, index: number): string {
  const id = raw.id
  if (typeof id === 'string') return id
  if (isObject(id) && typeof id.id === 'string') return id.id
  return String(index)
}

function readNodes(raw: unknown): NodeSpec[] {
  if (!Array.isArray(raw)) throw new ChainLoadError('metadata.nodes must be an array of nodes')
  return raw.map((node: unknown, index) => {
    const where = `metadata.nodes[${index}]`
    if (!isObject(node)) throw new ChainLoadError(`${where} must be an object`)
    if (typeof node.type !== 'string' || node.type === '') {
      throw new ChainLoadError(`${where}.type must be a ThingsBoard node class name`)
    }
    const name =
      typeof node.name === 'string' && node.name !== '' ? node.name : `${node.type.split('.').pop()}#${index}`
    return { index, id: nodeId(node, index), type: node.type, name, configuration: node.configuration ?? {} }
  })
}

function readConnections(raw: unknown, nodeCount: number): ConnectionSpec[] {
  if (raw === undefined || raw === null) return []
  if (!Array.isArray(raw)) throw new ChainLoadError('metadata.connections must be an array')
  const range =
    nodeCount === 0 ? 'the chain has no nodes' : `the chain has ${nodeCount} nodes (0-${nodeCount - 1})`
  return raw.map((connection: unknown, index) => {
    const where = `metadata.connections[${index}]`
    if (!isObject(connection)) throw new ChainLoadError(`${where} must be an object`)
    const { fromIndex, toIndex, type } = connection
    for (const [field, value] of [
      ['fromIndex', fromIndex],
      ['toIndex', toIndex]
    ] as const) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= nodeCount) {
        throw new ChainLoadError(`${where}.${field} is ${JSON.stringify(value)}, but ${range}`)
      }
    }
    if (typeof type !== 'string' || type === '') {
      throw new ChainLoadError(`${where}.type must be a relation name such as "Success"`)
    }
    return { fromIndex: fromIndex as number, toIndex: toIndex as number, type }
  })
}

/**
 * Throws naming the nodes of a cycle, if the connections have one. A depth-first search with an
 * explicit path, not recursion: an export of any length must not overflow the stack.
 */
function checkAcyclic(nodes: readonly NodeSpec[], connections: readonly ConnectionSpec[]): void {
  const sets = nodes.map(() => new Set<number>())
  for (const c of connections) sets[c.fromIndex]?.add(c.toIndex)
  const next = sets.map((targets) => [...targets])
  const state = new Uint8Array(nodes.length) // 0 new, 1 on the path, 2 done
  const path: number[] = []
  const visited: number[] = [] // per path entry: how many of its targets were looked at
  for (let root = 0; root < nodes.length; root++) {
    if (state[root] !== 0) continue
    state[root] = 1
    path.push(root)
    visited.push(0)
    while (path.length > 0) {
      const top = path.length - 1
      const index = path[top] as number
      const targets = next[index] as number[]
      const seen = visited[top] as number
      if (seen === targets.length) {
        path.pop()
        visited.pop()
        state[index] = 2
        continue
      }
      visited[top] = seen + 1
      const to = targets[seen] as number
      if (state[to] === 1) {
        const cycle = [...path.slice(path.indexOf(to)), to].map((i) => `"${nodes[i]?.name}" (${i})`)
        throw new ChainLoadError(
          `the chain has a cycle: ${cycle.join(' -> ')}; loops are not supported, every message must leave the chain`
        )
      }
      if (state[to] === 0) {
        state[to] = 1
        path.push(to)
        visited.push(0)
      }
    }
  }
}

/** Checks a parsed export and returns its chain; errors name the field or node at fault. */
export function readChainDefinition(raw: unknown): ChainDefinition {
  if (!isObject(raw)) throw new ChainLoadError('a rule chain export must be a JSON object')
  const metadata = isObject(raw.metadata) ? raw.metadata : raw
  if (!('nodes' in metadata)) {
    throw new ChainLoadError(
      'not a rule chain export: expected "metadata": { "nodes": [...], "connections": [...] }'
    )
  }
  const chain = isObject(raw.ruleChain) ? raw.ruleChain : {}
  const name = typeof chain.name === 'string' ? chain.name : 'rule chain'
  const nodes = readNodes(metadata.nodes)
  if (nodes.length === 0) throw new ChainLoadError('metadata.nodes is empty: a chain needs at least one node')
  const connections = readConnections(metadata.connections, nodes.length)
  const first = metadata.firstNodeIndex ?? 0
  if (typeof first !== 'number' || !Number.isInteger(first) || first < 0 || first >= nodes.length) {
    throw new ChainLoadError(
      `metadata.firstNodeIndex is ${JSON.stringify(first)}, but the chain has ${nodes.length} nodes (0-${nodes.length - 1})`
    )
  }
  const toOtherChains = metadata.ruleChainConnections
  if (Array.isArray(toOtherChains) && toOtherChains.length > 0) {
    throw new ChainLoadError(
      'metadata.ruleChainConnections: connections to other rule chains are not supported'
    )
  }
  checkAcyclic(nodes, connections)
  return { name, firstNodeIndex: first, nodes, connections }
}
