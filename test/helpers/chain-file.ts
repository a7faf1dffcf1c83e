import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chainExport } from './test-nodes.js'

/** A chain export file holding one Kafka node with `configuration`, for the CLI's `run`. */
export function kafkaChainFile(configuration: Record<string, unknown>): string {
  const path = join(mkdtempSync(join(tmpdir(), 'krn-chain-')), 'chain.json')
  writeFileSync(
    path,
    JSON.stringify(
      chainExport(
        [{ type: 'org.thingsboard.rule.engine.kafka.TbKafkaNode', name: 'Kafka', configuration }],
        []
      )
    )
  )
  return path
}
