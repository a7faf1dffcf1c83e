import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Writes `dir/chain.json`: a chain export of one Kafka node with `configuration`, for `run`. */
export function kafkaChainFile(dir: string, name: string, configuration: Record<string, unknown>): string {
  const path = join(dir, 'chain.json')
  writeFileSync(
    path,
    JSON.stringify({
      ruleChain: { name },
      metadata: {
        firstNodeIndex: 0,
        nodes: [{ type: 'org.thingsboard.rule.engine.kafka.TbKafkaNode', name: 'Kafka', configuration }],
        connections: [],
        ruleChainConnections: null
      }
    })
  )
  return path
}
