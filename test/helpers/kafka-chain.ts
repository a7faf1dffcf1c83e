import type { TestContext } from 'node:test'
import { loadChain, type Chain, type ChainExit } from '../../src/engine/chain.js'
import { silentLogger } from '../../src/engine/logger.js'
import type { TbMsg } from '../../src/msg/message.js'
import { createDefaultRegistry } from '../../src/nodes/index.js'
import { chainExport } from './test-nodes.js'

/** A one-node chain holding a Kafka node with `configuration`, and what left it. */
export interface KafkaChain {
  readonly chain: Chain
  readonly exits: ChainExit[]
  /** When each exit happened (Date.now()), by the index of `exits`. */
  readonly exitedAt: number[]
  readonly warnings: string[]
  /** Pushes every message, awaiting backpressure, then waits until all have left. */
  run(messages: readonly TbMsg[]): Promise<ChainExit[]>
}

/** Loads a chain with one Kafka node; the test destroys it. */
export async function kafkaChain(t: TestContext, configuration: unknown): Promise<KafkaChain> {
  const exits: ChainExit[] = []
  const exitedAt: number[] = []
  const warnings: string[] = []
  const logger = { ...silentLogger, warn: (message: string) => void warnings.push(message) }
  const chain = await loadChain(
    chainExport(
      [{ type: 'org.thingsboard.rule.engine.kafka.TbKafkaNode', name: 'Kafka', configuration }],
      []
    ),
    createDefaultRegistry(),
    {
      onExit: (exit) => {
        exits.push(exit)
        exitedAt.push(Date.now())
      },
      logger
    }
  )
  t.after(() => chain.destroy())
  return {
    chain,
    exits,
    exitedAt,
    warnings,
    async run(messages) {
      const before = exits.length
      for (const msg of messages) await chain.push(msg)
      await chain.drain()
      return exits.slice(before)
    }
  }
}
