// A contender's own process: `tsx bench/contender.ts '<json task>'`. Prints one JSON line with its
// counts, wall time, CPU time, peak RSS and latency percentiles, so that each figure is its own.

import { runConfluent } from './contenders/confluent.js'
import { runKafkajsNaive } from './contenders/kafkajs-naive.js'
import { runNodeChain } from './contenders/node-chain.js'
import { runPlatformaticNaive } from './contenders/platformatic-naive.js'
import type { ContenderRun } from './contenders/run.js'
import { watchHeap, type HeapUse } from './heap-use.js'
import { workload } from './workload.js'

/** What main.ts asks a contender process to do. */
export interface ContenderTask {
  readonly contender:
    | 'node-default'
    | 'node-tuned'
    | 'platformatic-naive'
    | 'kafkajs-naive'
    | 'confluent'
    | `node-${'gzip' | 'snappy' | 'lz4' | 'zstd'}`
  readonly broker: string
  readonly topic: string
  readonly messages: number
  readonly bodyBytes: number
  /** Messages per second to offer; 0: as fast as accepted. */
  readonly rate: number
  /** Messages sent and acknowledged before measuring (connections, metadata, JIT warm). */
  readonly warmup: number
}

/** What a contender process reports. */
export interface ContenderResult {
  readonly done: number
  readonly failed: number
  readonly seconds: number
  readonly cpuSeconds: number
  readonly maxRssMb: number
  readonly p50Ms: number
  readonly p99Ms: number
  /** The JavaScript heap while measured (Node contenders). */
  readonly heap?: HeapUse
}

const WINDOW = 1000

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] as number
}

async function main(): Promise<void> {
  const task = JSON.parse(process.argv[2] ?? '{}') as ContenderTask
  const items = workload(task.warmup + task.messages, task.bodyBytes)
  const latencies = new Float64Array(task.messages)
  let measuring = false
  let measured = 0
  let counts = { done: 0, failed: 0 }
  let started = performance.now()
  let cpuBefore = process.cpuUsage()
  let finished = { seconds: 0, cpuSeconds: 0 }
  let heapUse = (): HeapUse | undefined => undefined
  let heap: HeapUse | undefined
  const run: ContenderRun = {
    items,
    broker: task.broker,
    topic: task.topic,
    async offer(count, send, settled, window = WINDOW) {
      const pending = new Set<Promise<void>>()
      // A send that completed at once costs no promise and no turn: only waits are awaited.
      const track = (i: number): Promise<unknown> | undefined => {
        const result = send(i)
        if (result === undefined) return undefined
        const tracked: Promise<void> = result.then(() => void pending.delete(tracked))
        pending.add(tracked)
        return pending.size >= window ? Promise.race(pending) : undefined
      }
      const warmup = Math.min(task.warmup, count)
      for (let i = 0; i < warmup; i++) {
        const wait = track(i)
        if (wait !== undefined) await wait
      }
      await Promise.all(pending)
      if (settled !== undefined) await settled()
      measuring = true
      heapUse = watchHeap()
      started = performance.now()
      cpuBefore = process.cpuUsage()
      for (let i = warmup; i < count; i++) {
        if (task.rate > 0) {
          const due = started + ((i - warmup) * 1000) / task.rate
          const wait = due - performance.now()
          if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait))
        }
        const wait = track(i)
        if (wait !== undefined) await wait
      }
      await Promise.all(pending)
    },
    latency(ms) {
      if (measuring && measured < latencies.length) latencies[measured++] = ms
    },
    finish(done, failed) {
      const cpu = process.cpuUsage(cpuBefore)
      finished = { seconds: (performance.now() - started) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 }
      heap = heapUse()
      counts = { done, failed }
    }
  }
  if (task.contender === 'node-default') await runNodeChain(run, {})
  else if (task.contender === 'node-tuned') await runNodeChain(run, { linger: 5, batchSize: 262144 })
  else if (task.contender === 'platformatic-naive') await runPlatformaticNaive(run)
  else if (task.contender === 'confluent') await runConfluent(run)
  else if (task.contender.startsWith('node-')) {
    // node-default with compression.type: node-gzip, node-snappy, node-lz4, node-zstd.
    await runNodeChain(run, { otherProperties: { 'compression.type': task.contender.slice('node-'.length) } })
  } else await runKafkajsNaive(run)
  const sorted = latencies.subarray(0, measured).sort()
  const result: ContenderResult = {
    ...counts,
    ...finished,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    ...(heap === undefined ? {} : { heap })
  }
  process.stdout.write(`${JSON.stringify(result)}\n`)
}

await main()
