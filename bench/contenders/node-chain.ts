// The Kafka node inside the chain runtime: messages pushed as the CLI pushes them (awaiting
// backpressure), done when each has left on Success with its offset.

import { loadChain } from '../../src/engine/chain.js'
import { silentLogger } from '../../src/engine/logger.js'
import { TbMsg } from '../../src/msg/message.js'
import { createDefaultRegistry } from '../../src/nodes/index.js'
import type { ContenderRun } from './run.js'

const LINES_PER_CHUNK = 128

/** Runs the node with `configuration` over the workload. */
export async function runNodeChain(run: ContenderRun, tuning: Record<string, unknown>): Promise<void> {
  let done = 0
  let failed = 0
  const sentAt = new Float64Array(run.items.length)
  const chain = await loadChain(
    {
      metadata: {
        firstNodeIndex: 0,
        nodes: [
          {
            type: 'org.thingsboard.rule.engine.kafka.TbKafkaNode',
            name: 'Kafka',
            configuration: {
              topicPattern: run.topic,
              keyPattern: '${deviceName}',
              bootstrapServers: run.broker,
              acks: '-1',
              addMetadataKeyValuesAsKafkaHeaders: true,
              ...tuning
            }
          }
        ],
        connections: []
      }
    },
    createDefaultRegistry(),
    {
      logger: silentLogger,
      onExit: (exit) => {
        if (exit.relation === 'Success' && exit.msg.metadata.offset !== undefined) done++
        else failed++
        const index = Number(exit.msg.metadata.benchIndex)
        run.latency(performance.now() - (sentAt[index] as number))
      }
    }
  )
  // Each message is built as it enters, as `run` builds one from each input line: building it is
  // part of the node's cost, and no workload-sized heap of messages weighs on the collector.
  const message = (i: number): TbMsg => {
    const item = run.items[i] as (typeof run.items)[number]
    return new TbMsg({
      id: '00000000-0000-4000-8000-000000000001',
      ts: 1732400000000 + i,
      type: 'POST_TELEMETRY_REQUEST',
      originator: { entityType: 'DEVICE', id: '00000000-0000-4000-8000-0000000000aa' },
      // Neither spread nor String(): see src/msg/merge-metadata.ts and PendingRecord.settle.
      metadata: Object.assign({}, item.metadata, { benchIndex: i.toFixed(0) }),
      dataType: 'JSON',
      data: item.value
    })
  }
  // As `run` reads its input: one chunk of lines pushed back to back (waiting only when the chain
  // asks to, for that one acceptance), then a turn of the event loop before the next chunk; a 64 KiB chunk holds about
  // 128 lines of ThingsBoard messages.
  let sinceTurn = 0
  await run.offer(
    run.items.length,
    (i) => {
      sentAt[i] = performance.now()
      const accepted = chain.push(message(i))
      if (accepted !== undefined) {
        sinceTurn = 0
        return accepted
      }
      if (++sinceTurn < LINES_PER_CHUNK) return undefined
      sinceTurn = 0
      return new Promise<void>((resolve) => setImmediate(resolve))
    },
    () => chain.drain(),
    // `run` waits for each acceptance before it pushes the next message.
    1
  )
  await chain.drain()
  run.finish(done, failed)
  await chain.destroy()
}
