// Runs one built-in node as a one-node chain, the way a ThingsBoard export would, and collects
// what leaves it.
import type { TestContext } from 'node:test'
import { loadChain, type Chain, type ChainExit } from '../../src/engine/chain.js'
import type { TbMsg } from '../../src/msg/message.js'
import { createDefaultRegistry } from '../../src/nodes/index.js'
import { chainExport } from './test-nodes.js'

/** A started one-node chain and the exits it has reported so far. */
export interface NodeRun {
  readonly chain: Chain
  readonly exits: ChainExit[]
}

/** Starts a chain of the one node `type` with `configuration`; it is destroyed after the test. */
export async function startNode(t: TestContext, type: string, configuration: unknown = {}): Promise<NodeRun> {
  const exits: ChainExit[] = []
  const chain = await loadChain(
    chainExport([{ type, name: 'Node', configuration }], []),
    createDefaultRegistry(),
    {
      onExit: (exit) => exits.push(exit)
    }
  )
  t.after(() => chain.destroy())
  return { chain, exits }
}

/** Pushes each message through the node and waits until all have left: the exits, in order. */
export async function runNode(
  t: TestContext,
  type: string,
  configuration: unknown,
  msgs: readonly TbMsg[]
): Promise<NodeRun> {
  const run = await startNode(t, type, configuration)
  for (const msg of msgs) await run.chain.push(msg)
  await run.chain.drain()
  return run
}

/** An exit as `relation` plus the message's JSON, for exact comparison. */
export function exitJson(exit: ChainExit): { relation: string; msg: unknown } {
  return { relation: exit.relation, msg: exit.msg.toJSON() }
}

/** Loads a one-node chain and returns the load error's message. */
export async function loadError(type: string, configuration: unknown): Promise<string> {
  try {
    const chain = await loadChain(
      chainExport([{ type, name: 'Node', configuration }], []),
      createDefaultRegistry()
    )
    await chain.destroy()
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('the chain loaded')
}
