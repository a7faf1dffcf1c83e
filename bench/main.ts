// `npm run bench`: the same workload through each contender, each in its own process, against
// one development broker in its own process, in one run. Prints the tables and writes
// bench/results.json. Not part of `npm test`: timings are only compared within a run.

import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { startBrokerProcess, type BrokerProcess } from '../src/cli/demo/broker-process.js'
import type { ContenderResult, ContenderTask } from './contender.js'
import { runKcat } from './kcat.js'
import { runCommand } from './process.js'

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url))

interface Row extends ContenderResult {
  readonly name: string
  readonly messages: number
  readonly bodyBytes: number
  readonly partitions: number
  readonly valid: boolean
}

let topicCount = 0
const nextTopic = (name: string): string => `bench-${name}-${Date.now()}-${topicCount++}`

async function highWatermarks(broker: string, topic: string, partitions: number): Promise<number> {
  const args = ['-Q', '-b', broker]
  for (let p = 0; p < partitions; p++) args.push('-t', `${topic}:${p}:-1`)
  const result = await runCommand('kcat', args)
  return [...result.stdout.matchAll(/offset (\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0)
}

async function runContender(task: ContenderTask): Promise<ContenderResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', here('./contender.ts'), JSON.stringify(task)], {
    stdio: ['ignore', 'pipe', 'inherit']
  })
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
  const status = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  if (status !== 0) throw new Error(`${task.contender} exited with ${String(status)}`)
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as ContenderResult
}

// Sent and acknowledged before each Node contender's clock starts: connections, metadata and the
// JIT are warm for every one of them alike.
const WARMUP = 2000

async function measure(
  broker: BrokerProcess,
  name: ContenderTask['contender'] | 'kcat',
  options: { messages: number; bodyBytes: number; partitions: number; rate: number }
): Promise<Row> {
  const topic = nextTopic(name)
  // Topics auto-create with the broker's partition count; kcat -L makes it exist before timing starts.
  await runCommand('kcat', ['-L', '-b', broker.address, '-t', topic])
  let result: ContenderResult
  if (name === 'kcat') {
    const timing = await runKcat(broker.address, topic, options.messages, options.bodyBytes)
    const stored = await highWatermarks(broker.address, topic, options.partitions)
    result = { ...timing, done: stored, failed: options.messages - stored }
  } else {
    result = await runContender({
      contender: name,
      broker: broker.address,
      topic,
      messages: options.messages,
      bodyBytes: options.bodyBytes,
      rate: options.rate,
      warmup: WARMUP
    })
  }
  const stored = await highWatermarks(broker.address, topic, options.partitions)
  // Node contenders also sent (and count) their warm-up messages; kcat sends none.
  const expected = options.messages + (name === 'kcat' ? 0 : WARMUP)
  const valid = result.done === expected && stored === expected
  return { name, ...options, ...result, valid }
}

const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a'

function table(rows: readonly Row[], reference: Row | undefined): string {
  const header =
    '| contender | messages | msg/s | MB/s | p50 ms | p99 ms | CPU s / 100k | peak RSS MB | node-tuned ÷ this | valid |'
  const lines = rows.map((r) => {
    const rate = r.messages / r.seconds
    const mb = (r.messages * (r.bodyBytes + 60)) / r.seconds / 1e6
    const ratio = reference === undefined ? Number.NaN : reference.messages / reference.seconds / rate
    return `| ${r.name} | ${fmt(r.messages)} | ${fmt(rate)} | ${fmt(mb, 1)} | ${fmt(r.p50Ms, 2)} | ${fmt(r.p99Ms, 2)} | ${fmt((r.cpuSeconds * 100000) / r.messages, 2)} | ${fmt(r.maxRssMb)} | ${fmt(ratio, 2)} | ${r.valid ? 'yes' : 'NO'} |`
  })
  return [header, '|---|---|---|---|---|---|---|---|---|---|', ...lines].join('\n')
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string' },
      rate: { type: 'string' },
      quick: { type: 'boolean' },
      only: { type: 'string' },
      'latency-runs': { type: 'string' }
    }
  })
  const messages = Number(values.messages ?? (values.quick === true ? 20000 : 200000))
  const rate = Number(values.rate ?? 10000)
  // The node's p99 at a fixed rate moves with garbage-collection pauses on a shared machine:
  // several runs, each reported, rather than one number that may be a lucky or unlucky one.
  const latencyRuns = Number(values['latency-runs'] ?? (values.quick === true ? 1 : 3))
  const entry = here('../src/cli/main.ts')
  const results: Record<string, Row[]> = { throughput: [], latency: [], scaling: [], broker: [] }
  const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`
  process.stderr.write(`bench: ${messages} messages, ${machine}\n`)

  const broker = await startBrokerProcess({ partitions: 6, timeoutMs: 30000, entry })
  try {
    const contenders = ['node-default', 'node-tuned', 'platformatic-naive', 'kafkajs-naive', 'kcat'] as const
    for (const name of contenders) {
      if (values.only !== undefined && values.only !== name) continue
      process.stderr.write(`bench: throughput ${name}\n`)
      results.throughput?.push(
        await measure(broker, name, { messages, bodyBytes: 200, partitions: 6, rate: 0 })
      )
    }
    const latencyMessages = Math.min(messages, rate * 3)
    for (const name of ['node-default', 'platformatic-naive', 'kafkajs-naive'] as const) {
      if (values.only !== undefined && values.only !== name) continue
      const runs = name === 'node-default' ? latencyRuns : 1
      for (let run = 1; run <= runs; run++) {
        process.stderr.write(`bench: latency ${name} at ${rate} msg/s (run ${run} of ${runs})\n`)
        const row = await measure(broker, name, {
          messages: latencyMessages,
          bodyBytes: 200,
          partitions: 6,
          rate
        })
        results.latency?.push(runs === 1 ? row : { ...row, name: `${name} run ${run}` })
      }
    }
    if (values.only === undefined || values.only === 'kcat') {
      // The broker's own ceiling: what it ingests from a C producer, so that it is seen not to be
      // what limits the node.
      process.stderr.write('bench: broker ingest from kcat, 1 KiB records\n')
      results.broker?.push(
        await measure(broker, 'kcat', {
          messages: Math.min(messages, 100000),
          bodyBytes: 1024,
          partitions: 6,
          rate: 0
        })
      )
    }
    if (values.only === undefined) {
      for (const bodyBytes of [100, 1024, 10240]) {
        process.stderr.write(`bench: scaling node-tuned ${bodyBytes} B\n`)
        const count = Math.max(1000, Math.floor(Math.min(messages, 100000) / (bodyBytes > 2000 ? 10 : 1)))
        results.scaling?.push(
          await measure(broker, 'node-tuned', { messages: count, bodyBytes, partitions: 6, rate: 0 })
        )
      }
    }
  } finally {
    await broker.stop()
  }
  if (values.only === undefined) {
    for (const partitions of [1, 48]) {
      process.stderr.write(`bench: scaling node-tuned over ${partitions} partitions\n`)
      const other = await startBrokerProcess({ partitions, timeoutMs: 30000, entry })
      try {
        results.scaling?.push(
          await measure(other, 'node-tuned', {
            messages: Math.min(messages, 100000),
            bodyBytes: 200,
            partitions,
            rate: 0
          })
        )
      } finally {
        await other.stop()
      }
    }
  }
  const reference = results.throughput?.find((r) => r.name === 'node-tuned')
  const out = [
    `Machine: ${machine}`,
    '',
    'Throughput (as fast as each accepts; acks=all; 6 partitions; ~200-byte bodies):',
    table(results.throughput ?? [], reference),
    '',
    `Latency from entry to acknowledgement at ${rate} msg/s offered:`,
    table(results.latency ?? [], undefined),
    '',
    "The development broker's ingest rate: kcat producing 1 KiB records (acks=all; 6 partitions):",
    table(
      (results.broker ?? []).map((r) => ({ ...r, name: 'kcat -> broker, 1 KiB' })),
      undefined
    ),
    '',
    'Scaling of the tuned node with body size (6 partitions) and partitions (200-byte bodies):',
    table(
      (results.scaling ?? []).map((r) => ({
        ...r,
        name: `node-tuned ${r.bodyBytes} B x ${r.partitions} partitions`
      })),
      undefined
    )
  ].join('\n')
  process.stdout.write(`${out}\n`)
  writeFileSync(here('./results.json'), JSON.stringify({ machine, messages, rate, results }, null, 2))
}

await main()
