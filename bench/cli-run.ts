// `kafka-rule-node run` as a user runs it: a real `run CHAIN.json` process with node-default's
// chain (one Kafka node, ThingsBoard's defaults), the workload as NDJSON lines on its stdin (a
// pipe this process writes), its output lines on a pipe this process drains. Compared with
// node-default, which builds the same messages in-process, to show what the CLI's reading,
// parsing and writing cost.

import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { kafkaChainFile } from './chain-file.js'
import type { ContenderResult } from './contender.js'
import { sampleProcess, type ProcessSample } from './process.js'
import { workload } from './workload.js'

/** What the CLI row is given: the same as a Node contender's task. */
export interface CliRunOptions {
  readonly entry: string
  readonly broker: string
  readonly topic: string
  readonly messages: number
  readonly bodyBytes: number
  readonly warmup: number
}

const NEWLINE = 0x0a
// Every output line starts `{"relation":"`: the byte after it tells Success from the rest.
const RELATION_AT = '{"relation":"'.length
const S = 0x53

/** The workload as `run` input lines: node-default's messages, field for field. */
function inputText(from: number, to: number, items: ReturnType<typeof workload>): string {
  const lines: string[] = []
  for (let i = from; i < to; i++) {
    const item = items[i] as (typeof items)[number]
    const metadata = JSON.stringify({ ...item.metadata, benchIndex: String(i) })
    lines.push(
      `{"id":"00000000-0000-4000-8000-000000000001","ts":${1732400000000 + i},"type":"POST_TELEMETRY_REQUEST",` +
        `"originator":{"entityType":"DEVICE","id":"00000000-0000-4000-8000-0000000000aa"},` +
        `"metadata":${metadata},"data":${item.value}}`
    )
  }
  return lines.join('\n') + '\n'
}

/**
 * Runs the workload through `run`: the warm-up lines first, and once their output lines are all
 * back the clock and the process's CPU reading start and the measured lines follow; both stop
 * when the last output line has arrived. CPU and peak RSS are the process's own, from /proc.
 */
export async function runCliContender(options: CliRunOptions): Promise<ContenderResult> {
  const dir = mkdtempSync(join(tmpdir(), 'krn-bench-cli-'))
  const chain = kafkaChainFile(dir, 'bench cli', {
    topicPattern: options.topic,
    keyPattern: '${deviceName}',
    bootstrapServers: options.broker,
    acks: '-1',
    addMetadataKeyValuesAsKafkaHeaders: true
  })
  const total = options.warmup + options.messages
  const items = workload(total, options.bodyBytes)
  const warmupText = inputText(0, options.warmup, items)
  const measuredText = inputText(options.warmup, total, items)
  const args = [...process.execArgv, options.entry, 'run', chain, '--log-level', 'error']
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] })
  const pid = child.pid ?? 0
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))

  let lines = 0
  let success = 0
  // Where in the next chunk the relation's first letter of a line begun in this one lies.
  let carry = -1
  let started = 0
  let cpuBefore: ProcessSample = { cpuSeconds: 0, maxRssMb: 0 }
  let finished: { seconds: number; cpu: ProcessSample } | undefined
  let warmedUp: () => void = () => {}
  const warm = new Promise<void>((resolve) => (warmedUp = resolve))

  child.stdout.on('data', (chunk: Buffer) => {
    if (carry >= 0 && carry < chunk.length) {
      if (chunk[carry] === S) success++
      carry = -1
    } else if (carry >= 0) carry -= chunk.length
    let at = chunk.indexOf(NEWLINE)
    while (at !== -1) {
      lines++
      if (lines === options.warmup) warmedUp()
      if (lines === total) {
        finished = {
          seconds: (performance.now() - started) / 1000,
          cpu: sampleProcess(pid, cpuBefore)
        }
      }
      const next = at + 1 + RELATION_AT
      if (lines < total) {
        if (next < chunk.length) {
          if (chunk[next] === S) success++
        } else carry = next - chunk.length
      }
      at = chunk.indexOf(NEWLINE, at + 1)
    }
  })
  // The first line's relation: every later one follows a newline.
  child.stdout.once('data', (chunk: Buffer) => {
    if (chunk[RELATION_AT] === S) success++
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  try {
    child.stdin.write(warmupText)
    await Promise.race([warm, exited])
    cpuBefore = sampleProcess(pid, cpuBefore)
    started = performance.now()
    child.stdin.end(measuredText)
    const status = await exited
    if (status !== 0 || finished === undefined) {
      throw new Error(`run exited with ${String(status)} after ${lines} of ${total} lines: ${stderr}`)
    }
    return {
      done: success,
      failed: lines - success,
      seconds: finished.seconds,
      cpuSeconds: finished.cpu.cpuSeconds - cpuBefore.cpuSeconds,
      maxRssMb: finished.cpu.maxRssMb,
      p50Ms: Number.NaN,
      p99Ms: Number.NaN
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
