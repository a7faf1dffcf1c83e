// `npm run soak`: the Kafka node in the chain runtime at a fixed rate for a long time (default
// 10 minutes at 2,000 msg/s) against the development broker in its own process; RSS sampled every
// 10 s must stay flat. Prints the curve and writes bench/soak-results.json.

import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { startBrokerProcess } from '../src/cli/demo/broker-process.js'
import { loadChain } from '../src/engine/chain.js'
import { silentLogger } from '../src/engine/logger.js'
import { TbMsg } from '../src/msg/message.js'
import { createDefaultRegistry } from '../src/nodes/index.js'
import { workload } from './workload.js'

const { values } = parseArgs({ options: { minutes: { type: 'string' }, rate: { type: 'string' } } })
const minutes = Number(values.minutes ?? 10)
const rate = Number(values.rate ?? 2000)
const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url))

const broker = await startBrokerProcess({
  partitions: 6,
  timeoutMs: 30000,
  entry: here('../src/cli/main.ts')
})
let success = 0
let failure = 0
const chain = await loadChain(
  {
    metadata: {
      firstNodeIndex: 0,
      nodes: [
        {
          type: 'org.thingsboard.rule.engine.kafka.TbKafkaNode',
          name: 'Kafka',
          configuration: {
            topicPattern: `soak-${Date.now()}`,
            keyPattern: '${deviceName}',
            bootstrapServers: broker.address,
            addMetadataKeyValuesAsKafkaHeaders: true
          }
        }
      ],
      connections: []
    }
  },
  createDefaultRegistry(),
  { logger: silentLogger, onExit: (exit) => (exit.relation === 'Success' ? success++ : failure++) }
)
const items = workload(10_000)
const samples: {
  seconds: number
  rssMb: number
  heapMb: number
  sent: number
  success: number
  failure: number
}[] = []
const started = performance.now()
const end = started + minutes * 60_000
let sent = 0
let nextSample = started
process.stderr.write(`soak: ${minutes} min at ${rate} msg/s\n`)
while (performance.now() < end) {
  const now = performance.now()
  if (now >= nextSample) {
    const memory = process.memoryUsage()
    const sample = {
      seconds: Math.round((now - started) / 1000),
      rssMb: memory.rss / 2 ** 20,
      heapMb: memory.heapUsed / 2 ** 20,
      sent,
      success,
      failure
    }
    samples.push(sample)
    process.stdout.write(
      `${String(sample.seconds).padStart(5)} s  RSS ${sample.rssMb.toFixed(1)} MB  heap ${sample.heapMb.toFixed(1)} MB  sent ${sent}  ok ${success}  failed ${failure}\n`
    )
    nextSample += 10_000
  }
  const due = Math.floor(((now - started) / 1000) * rate)
  while (sent < due) {
    const item = items[sent % items.length]
    if (item === undefined) break
    const accepted = chain.push(
      new TbMsg({
        id: '00000000-0000-4000-8000-000000000001',
        ts: Date.now(),
        type: 'POST_TELEMETRY_REQUEST',
        originator: { entityType: 'DEVICE', id: '00000000-0000-4000-8000-0000000000aa' },
        metadata: item.metadata,
        dataType: 'JSON',
        data: item.value
      })
    )
    sent++
    if (accepted !== undefined) await accepted
  }
  await new Promise((resolve) => setTimeout(resolve, 5))
}
await chain.drain()
await chain.destroy()
await broker.stop()
const first = samples[1] ?? samples[0]
const last = samples.at(-1)
process.stdout.write(
  `soak: sent ${sent}, Success ${success}, Failure ${failure}; RSS ${first?.rssMb.toFixed(1)} MB at ${first?.seconds} s -> ${last?.rssMb.toFixed(1)} MB at ${last?.seconds} s\n`
)
writeFileSync(
  here('./soak-results.json'),
  JSON.stringify({ minutes, rate, sent, success, failure, samples }, null, 2)
)
process.exitCode = success + failure === sent && failure === 0 ? 0 : 1
