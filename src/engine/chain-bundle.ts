// Several rule chains in one file, as ThingsBoard exports a chain with the chains its rule chain
// nodes call: a JSON array of chain exports (each `{ ruleChain, metadata }`, or the
// version-control form `{ entityType: "RULE_CHAIN", entity, metaData }`), each chain naming its
// id in `ruleChain.id`. The main chain is the one marked `root: true`, else the first.
//
// A rule chain node (TbRuleChainInputNode) is expanded in place: the called chain's nodes are
// copied in for that caller, its first node is connected from the rule chain node, and each of
// its output nodes (TbRuleChainOutputNode) is connected to what the caller connected to the
// relation named as that output node. The result is one flat chain, so that routing and the
// accounting of every message stay those of a single chain.

import { ChainLoadError } from '../errors.js'
import {
  checkChainGraph,
  entityId,
  readChainDefinition,
  type ChainDefinition,
  type ConnectionSpec,
  type NodeSpec
} from './chain-definition.js'

/** ThingsBoard's rule chain node: calls another chain. */
export const RULE_CHAIN_INPUT_TYPE = 'org.thingsboard.rule.engine.flow.TbRuleChainInputNode'
/** ThingsBoard's output node: returns to the calling chain on the relation of its own name. */
export const RULE_CHAIN_OUTPUT_TYPE = 'org.thingsboard.rule.engine.flow.TbRuleChainOutputNode'
/**
 * The relation a rule chain node tells on to enter the chain it calls. Not a name a user can
 * connect (it holds a NUL), so that it never meets a relation from an export.
 */
export const RULE_CHAIN_ENTER = '\u0000enter rule chain'

interface Exported {
  readonly definition: ChainDefinition
  readonly root: boolean
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function readOne(raw: unknown, where: string): Exported {
  try {
    const definition = readChainDefinition(raw)
    const chain = isObject(raw) ? (isObject(raw.ruleChain) ? raw.ruleChain : raw.entity) : undefined
    return { definition, root: isObject(chain) && chain.root === true }
  } catch (error) {
    if (error instanceof ChainLoadError && where !== '') {
      throw new ChainLoadError(`${where}: ${error.message}`, { context: error.context, cause: error })
    }
    throw error
  }
}

function calledChainId(spec: NodeSpec): string | undefined {
  const configuration = spec.configuration
  return isObject(configuration) ? entityId(configuration.ruleChainId) : undefined
}

/** Reads a file's parsed JSON: one chain export, or an array of them; returns one flat chain. */
export function readChainBundle(raw: unknown): ChainDefinition {
  if (!Array.isArray(raw)) return expand([readOne(raw, '')])
  if (raw.length === 0) throw new ChainLoadError('the file holds an empty array: no rule chain to run')
  return expand(raw.map((one, index) => readOne(one, `array element ${index}`)))
}

function expand(chains: readonly Exported[]): ChainDefinition {
  const main = (chains.find((c) => c.root) ?? (chains[0] as Exported)).definition
  const byId = new Map<string, ChainDefinition>()
  for (const { definition } of chains) {
    if (definition.id === undefined) continue
    if (byId.has(definition.id)) {
      throw new ChainLoadError(`two rule chains in the file have the id ${definition.id}`)
    }
    byId.set(definition.id, definition)
  }
  if (!main.nodes.some((n) => n.type === RULE_CHAIN_INPUT_TYPE)) return main
  const nodes: NodeSpec[] = []
  const connections: ConnectionSpec[] = []
  const problems: string[] = []

  /** Copies `chain` in; returns the index of its copy's first node. */
  const copy = (chain: ChainDefinition, callers: readonly ChainDefinition[]): number | undefined => {
    const offset = nodes.length
    for (const spec of chain.nodes) {
      nodes.push(callers.length === 0 ? spec : { ...spec, chain: chain.name })
    }
    for (const c of chain.connections) {
      connections.push({ fromIndex: c.fromIndex + offset, toIndex: c.toIndex + offset, type: c.type })
    }
    for (const spec of chain.nodes) {
      if (spec.type !== RULE_CHAIN_INPUT_TYPE) continue
      const id = calledChainId(spec)
      const where = `node "${spec.name}" of rule chain "${chain.name}"`
      const called = id === undefined ? undefined : byId.get(id)
      if (id === undefined || called === undefined) {
        problems.push(
          id === undefined
            ? `${where} names no rule chain (configuration.ruleChainId)`
            : `${where} calls rule chain ${id}, which is not in the file (known: ${[...byId.keys()].join(', ') || 'none'})`
        )
        continue
      }
      if (called === chain || callers.includes(called)) {
        problems.push(
          `${where} calls rule chain "${called.name}" (${id}), which is already calling it: loops are not supported`
        )
        continue
      }
      const callerIndex = offset + spec.index
      const entry = copy(called, [...callers, chain])
      if (entry === undefined) continue
      connections.push({ fromIndex: callerIndex, toIndex: entry, type: RULE_CHAIN_ENTER })
      const calledOffset = entry - (called.firstNodeIndex ?? 0)
      const returns = connections.filter((c) => c.fromIndex === callerIndex && c.type !== RULE_CHAIN_ENTER)
      for (const output of called.nodes) {
        if (output.type !== RULE_CHAIN_OUTPUT_TYPE) continue
        for (const r of returns) {
          if (r.type === output.name) {
            connections.push({ fromIndex: calledOffset + output.index, toIndex: r.toIndex, type: r.type })
          }
        }
      }
    }
    return chain.firstNodeIndex === undefined ? undefined : offset + chain.firstNodeIndex
  }

  const first = copy(main, [])
  if (problems.length > 0) throw new ChainLoadError(problems.join('; '))
  const flat: ChainDefinition = {
    name: main.name,
    ...(main.id === undefined ? {} : { id: main.id }),
    firstNodeIndex: first,
    nodes,
    connections
  }
  checkChainGraph(flat)
  return flat
}
