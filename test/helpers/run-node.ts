import { loadChain, type ChainExit } from '../../src/engine/chain.js'
import type { Logger } from '../../src/engine/logger.js'
import type { TbMsg } from '../../src/msg/message.js'
import { createDefaultRegistry } from '../../src/nodes/index.js'
import { chainExport } from './test-nodes.js'

/** Runs messages through a chain of one node of `type`, named "Node", and returns how they left it. */
export async function runNode(
  type: string,
  configuration: unknown,
  msgs: readonly TbMsg[],
  logger?: Logger
): Promise<ChainExit[]> {
  const exits: ChainExit[] = []
  const chain = await loadChain(
    chainExport([{ type, name: 'Node', configuration }], []),
    createDefaultRegistry(),
    {
      onExit: (exit) => exits.push(exit),
      ...(logger === undefined ? {} : { logger })
    }
  )
  for (const msg of msgs) await chain.push(msg)
  await chain.drain()
  await chain.destroy()
  return exits
}

/** How a chain of one node of `type` fails to load, as text. */
export async function loadError(type: string, configuration: unknown): Promise<string> {
  try {
    await runNode(type, configuration, [])
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('the chain loaded')
}
