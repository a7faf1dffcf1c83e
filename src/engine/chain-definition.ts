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
  /** The rule chain the node was copied from, when it is not the main chain (chain-bundle.ts). */
  readonly chain?: string
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
  /** The chain's id (`ruleChain.id`), by which rule chain nodes of other chains name it. */
  readonly id?: string
  /** The first node, or undefined for a chain without nodes (ThingsBoard exports one). */
  readonly firstNodeIndex: number | undefined
  readonly nodes: readonly NodeSpec[]
  readonly connections: readonly ConnectionSpec[]
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** An entity id as ThingsBoard writes it: `"uuid"` or `{ "entityType": ..., "id": "uuid" }`. */
export function entityId(id: unknown): string | undefined {
  if (typeof id === 'string') return id
  if (isObject(id) && typeof id.id === 'string') return id.id
  return undefined
}

function nodeId(raw: Record<string, unknown>, index: number): string {
  return entityId(raw.id) ?? String(index)
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
  const metadata = isObject(raw.metadata) ? raw.metadata : isObject(raw.metaData) ? raw.metaData : raw
  if (!('nodes' in metadata)) {
    throw new ChainLoadError(
      'not a rule chain export: expected "metadata": { "nodes": [...], "connections": [...] }'
    )
  }
  // A version-control export holds the chain as `entity` beside `metaData`.
  const chain = isObject(raw.ruleChain) ? raw.ruleChain : isObject(raw.entity) ? raw.entity : {}
  const name = typeof chain.name === 'string' ? chain.name : 'rule chain'
  const id = entityId(chain.id)
  const nodes = readNodes(metadata.nodes)
  const connections = readConnections(metadata.connections, nodes.length)
  if (nodes.length === 0) {
    checkNoChainConnections(metadata)
    return { name, ...(id === undefined ? {} : { id }), firstNodeIndex: undefined, nodes, connections }
  }
  const first = metadata.firstNodeIndex ?? 0
  if (typeof first !== 'number' || !Number.isInteger(first) || first < 0 || first >= nodes.length) {
    throw new ChainLoadError(
      `metadata.firstNodeIndex is ${JSON.stringify(first)}, but the chain has ${nodes.length} nodes (0-${nodes.length - 1})`
    )
  }
  checkNoChainConnections(metadata)
  checkAcyclic(nodes, connections)
  return { name, ...(id === undefined ? {} : { id }), firstNodeIndex: first, nodes, connections }
}

// ThingsBoard before 3.0 linked chains through `ruleChainConnections`; since then a rule chain
// node (TbRuleChainInputNode) names the chain it calls, which is what we load.
function checkNoChainConnections(metadata: Record<string, unknown>): void {
  const toOtherChains = metadata.ruleChainConnections
  if (Array.isArray(toOtherChains) && toOtherChains.length > 0) {
    throw new ChainLoadError(
      'metadata.ruleChainConnections: connections to other rule chains are not supported'
    )
  }
}

/** The graph checks for a chain built from several (see chain-bundle.ts). */
export function checkChainGraph(definition: ChainDefinition): void {
  checkAcyclic(definition.nodes, definition.connections)
}
