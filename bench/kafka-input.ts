// `run --kafka-input` scaled out: 1, 2 and 3 processes in one consumer group on a 12-partition
// input topic, each consuming → a one-node chain (the Kafka node) → an output topic. The input is
// written by kcat (C, a small share of the CPU) once every instance holds its partitions: on a
// topic filled before they start, the first process to join takes every partition until the
// others have started and joined, seconds on this machine. Records/s from kcat's start to the
// output's end offsets reaching the total, compared with the 1-instance row of the same run.

import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel, type Admin } from 'kafkajs'
import { kafkaChainFile } from './chain-file.js'
import { runCommand, sampleProcess } from './process.js'

/** One measured row. */
export interface KafkaInputRow {
  readonly instances: number
  readonly records: number
  /** From kcat's start (the group settled before) to the output holding every record. */
  readonly seconds: number
  /** CPU seconds of each instance, and of the broker, while the clock ran. */
  readonly instanceCpu: readonly number[]
  readonly brokerCpu: number
  /** This process's CPU seconds (polling the output's end offsets) while the clock ran. */
  readonly benchCpu: number
  readonly valid: boolean
}

/** Where to run. */
export interface KafkaInputBenchOptions {
  readonly entry: string
  readonly broker: string
  readonly brokerPid: number
  readonly records: number
  readonly partitions: number
}

interface Instance {
  readonly child: ChildProcess
  /** Resolves with `http://host:port` once its /healthz listens. */
  readonly ready: Promise<string>
}

interface Membership {
  readonly generationId: number
  readonly assignments: { partitions: number[] }[]
}

/** The sum of `topic`'s high watermarks, asked over one connection (not a process per look). */
async function endOffsetSum(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic)
  return offsets.reduce((sum, o) => sum + Number(o.high), 0)
}

/** The records, `key<TAB>value` per line, for kcat -K. */
function inputFile(records: number, dir: string): string {
  const file = join(dir, 'input.txt')
  const lines: string[] = []
  for (let i = 0; i < records; i++)
    lines.push(`r${i}\t{"type":"POST_TELEMETRY_REQUEST","data":{"seq":${i},"temperature":21.5}}`)
  writeFileSync(file, `${lines.join('\n')}\n`)
  return file
}

async function fill(options: KafkaInputBenchOptions, file: string, topic: string): Promise<void> {
  const result = await runCommand('kcat', [
    '-P',
    '-b',
    options.broker,
    '-t',
    topic,
    '-K',
    '\t',
    '-X',
    'partitioner=murmur2',
    '-l',
    file
  ])
  if (result.status !== 0) throw new Error(`kcat failed (${String(result.status)}): ${result.stderr}`)
}

function chainFile(dir: string, broker: string, output: string): string {
  const configuration = {
    topicPattern: output,
    keyPattern: '${kafkaKey}',
    bootstrapServers: broker,
    linger: 5,
    addMetadataKeyValuesAsKafkaHeaders: false
  }
  return kafkaChainFile(dir, 'bench kafka input', configuration)
}

function startInstance(entry: string, chain: string, broker: string, input: string, group: string): Instance {
  const args = [
    ...process.execArgv,
    entry,
    'run',
    chain,
    '--kafka-input',
    broker,
    '--topics',
    input,
    '--group',
    group,
    '--http',
    '0',
    '--log-level',
    'error'
  ]
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  const ready = new Promise<string>((resolve, reject) => {
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
      const match = /http: listening on ([\d.]+:\d+)/.exec(stderr)
      if (match !== null) resolve(`http://${match[1] as string}`)
    })
    child.on('exit', (code) => reject(new Error(`run --kafka-input exited with ${String(code)}: ${stderr}`)))
  })
  return { child, ready }
}

async function settled(bases: readonly string[], partitions: number): Promise<boolean> {
  const views = await Promise.all(
    bases.map(
      async (base) => ((await (await fetch(`${base}/healthz`)).json()) as { group: Membership }).group
    )
  )
  const generations = new Set(views.map((v) => v.generationId))
  const held = views.flatMap((v) => v.assignments.flatMap((a) => a.partitions)).sort((a, b) => a - b)
  return (
    generations.size === 1 &&
    views.every((v) => v.assignments.some((a) => a.partitions.length > 0)) &&
    held.join() === [...Array(partitions).keys()].join()
  )
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * One row: `instances` processes join the group on the empty input topic; once every one of them
 * holds its share of the partitions, kcat writes the records, and the clock runs from then until
 * the output holds them all.
 */
async function measureRow(options: KafkaInputBenchOptions, instances: number): Promise<KafkaInputRow> {
  const dir = mkdtempSync(join(tmpdir(), 'krn-bench-kin-'))
  const stamp = `${Date.now()}-${instances}`
  const input = `bench-kin-in-${stamp}`
  const output = `bench-kin-out-${stamp}`
  const group = `bench-kin-${stamp}`
  const running: Instance[] = []
  const admin = new Kafka({
    clientId: 'bench-kin',
    brokers: [options.broker],
    logLevel: logLevel.NOTHING
  }).admin()
  try {
    await admin.connect()
    const file = inputFile(options.records, dir)
    for (const topic of [input, output]) await runCommand('kcat', ['-L', '-b', options.broker, '-t', topic])
    const chain = chainFile(dir, options.broker, output)
    for (let i = 0; i < instances; i++)
      running.push(startInstance(options.entry, chain, options.broker, input, group))
    const bases = await Promise.all(running.map((r) => r.ready))
    const deadline = Date.now() + 600_000
    while (!(await settled(bases, options.partitions))) {
      if (Date.now() > deadline) throw new Error(`${instances} instance(s) did not settle in the group`)
      await sleep(100)
    }
    const none = { cpuSeconds: 0, maxRssMb: 0 }
    const cpuBefore = running.map((r) => sampleProcess(r.child.pid ?? 0, none).cpuSeconds)
    const brokerCpuBefore = sampleProcess(options.brokerPid, none).cpuSeconds
    const ownBefore = process.cpuUsage()
    const started = performance.now()
    await fill(options, file, input)
    let cpu = running.map(() => none)
    let done = 0
    while (done < options.records && Date.now() < deadline) {
      done = await endOffsetSum(admin, output)
      cpu = running.map((r, i) => sampleProcess(r.child.pid ?? 0, cpu[i] ?? none))
      if (done < options.records) await sleep(20)
    }
    const seconds = (performance.now() - started) / 1000
    const own = process.cpuUsage(ownBefore)
    return {
      instances,
      records: done,
      seconds,
      benchCpu: (own.user + own.system) / 1e6,
      instanceCpu: cpu.map((c, i) => c.cpuSeconds - (cpuBefore[i] ?? 0)),
      brokerCpu: sampleProcess(options.brokerPid, none).cpuSeconds - brokerCpuBefore,
      valid: done === options.records
    }
  } finally {
    for (const r of running) r.child.kill('SIGTERM')
    await Promise.all(
      running.map((r) =>
        r.child.exitCode !== null ? undefined : new Promise((resolve) => r.child.once('exit', resolve))
      )
    )
    await admin.disconnect().catch(() => undefined)
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The 1-, 2- and 3-instance rows, one after the other on one broker. */
export async function benchKafkaInput(
  options: KafkaInputBenchOptions,
  log: (line: string) => void
): Promise<KafkaInputRow[]> {
  const rows: KafkaInputRow[] = []
  for (const instances of [1, 2, 3]) {
    log(`kafka input: ${instances} instance(s), ${options.records} records`)
    const row = await measureRow(options, instances)
    log(
      `kafka input: ${instances} instance(s): ${fmt(row.records / row.seconds)} records/s, ${row.valid ? 'valid' : 'NOT valid'}`
    )
    rows.push(row)
  }
  return rows
}

const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a'

/** The rows as a table, each rate also as a multiple of the 1-instance row's. */
export function kafkaInputTable(rows: readonly KafkaInputRow[]): string {
  const rate = (r: KafkaInputRow | undefined): number =>
    r === undefined || !r.valid ? Number.NaN : r.records / r.seconds
  const one = rows.find((r) => r.instances === 1)
  const columns = [
    'instances',
    'records',
    'seconds',
    'records/s',
    '÷ 1 instance',
    'CPU s per instance',
    'broker CPU s',
    'bench CPU s',
    'valid'
  ]
  const lines = rows.map((r) =>
    [
      String(r.instances),
      fmt(r.records),
      fmt(r.seconds, 2),
      fmt(rate(r)),
      fmt(rate(r) / rate(one), 2),
      r.instanceCpu.map((c) => fmt(c, 1)).join(' + '),
      fmt(r.brokerCpu, 1),
      fmt(r.benchCpu, 1),
      r.valid ? 'yes' : 'NO'
    ].join(' | ')
  )
  return [
    `| ${columns.join(' | ')} |`,
    `|${columns.map(() => '---|').join('')}`,
    ...lines.map((l) => `| ${l} |`)
  ].join('\n')
}
