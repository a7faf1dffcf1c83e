// `npm run bench`: the same workload through each contender, each in its own process, against
// one development broker in its own process, in one run. `--broker kafka`: against one Apache
// Kafka broker instead, with the Java producer among the contenders. Prints the tables and writes
// bench/results.json. Not part of `npm test`: timings are only compared within a run.

import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { startDevBroker, startKafkaBroker, type BenchBroker, type BrokerKind } from './brokers.js'
import type { ContenderResult, ContenderTask } from './contender.js'
import { runJavaProducer, runProducerPerformance, type JavaTuning } from './java.js'
import { runKcat } from './kcat.js'
import { runCliContender } from './cli-run.js'
import { runCommand } from './process.js'
import { benchHttpSpool, httpSpoolTable, type HttpRow } from './http-spool.js'
import { benchHttpBare, httpBareTable, type HttpBareRow } from './http-bare.js'
import { benchKafkaInput, kafkaInputTable, type KafkaInputRow } from './kafka-input.js'
import { benchSpoolStores, spoolStoresTable } from './spool-stores.js'
import { ensureStores } from './stores-install.js'
import { benchCodecs, codecTables, type CodecResults } from './codecs.js'
import { ensureConfluent } from './confluent-install.js'
import { benchOnKafka, onKafkaRatios } from './on-kafka.js'
import { benchConfluent, confluentRatios, type ConfluentResults } from './versus-confluent.js'
import { median } from './rounds.js'

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url))

interface Row extends ContenderResult {
  readonly name: string
  readonly messages: number
  readonly bodyBytes: number
  readonly partitions: number
  readonly valid: boolean
  /** The broker process's CPU seconds per 100,000 records it stored for this row. */
  readonly brokerCpuPer100k: number
  /** Which of `--rounds` measured it, when there are several. */
  readonly round?: number
}

const log = (line: string): void => void process.stderr.write(`bench: ${line}\n`)

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
// The JVM compiles a method with its optimising compiler (C2) only after some 10,000 calls, V8
// with TurboFan after far fewer: the Java producer warms up on 20,000 records, sent and
// acknowledged before its clock starts, so that it is timed compiled as the Node contenders are.
const JAVA_WARMUP = 20000

/** The Java contenders' batching: ThingsBoard's defaults and the node-tuned row's settings. */
const JAVA: Record<'java-default' | 'java-tuned', JavaTuning> = {
  'java-default': { batchSize: 16384, linger: 0 },
  'java-tuned': { batchSize: 262144, linger: 5 }
}

type ContenderName = ContenderTask['contender'] | 'cli' | 'kcat' | 'java-default' | 'java-tuned' | 'java-perf'

/** Warm-up records a contender sends to its topic before its clock starts. */
const warmupOf = (name: ContenderName): number =>
  name === 'kcat' || name === 'java-perf' ? 0 : name.startsWith('java-') ? JAVA_WARMUP : WARMUP

async function measure(
  broker: BenchBroker,
  name: ContenderName,
  options: { messages: number; bodyBytes: number; partitions: number; rate: number }
): Promise<Row> {
  const topic = nextTopic(name)
  await broker.createTopic(topic, options.partitions)
  const brokerCpuBefore = broker.cpuSeconds()
  let result: ContenderResult
  if (name === 'kcat' || name === 'java-perf') {
    // Neither reports per record: what is stored is what they delivered.
    const timing =
      name === 'kcat'
        ? await runKcat(broker.address, topic, options.messages, options.bodyBytes)
        : await runProducerPerformance(broker.address, topic, options)
    const stored = await highWatermarks(broker.address, topic, options.partitions)
    result = { ...timing, done: stored, failed: options.messages - stored }
  } else if (name === 'cli') {
    result = await runCliContender({
      entry: here('../src/cli/main.ts'),
      broker: broker.address,
      topic,
      messages: options.messages,
      bodyBytes: options.bodyBytes,
      warmup: WARMUP
    })
  } else if (name === 'java-default' || name === 'java-tuned') {
    result = await runJavaProducer(broker.address, topic, {
      messages: options.messages,
      bodyBytes: options.bodyBytes,
      warmup: JAVA_WARMUP,
      tuning: JAVA[name]
    })
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
  // Node and Java contenders also sent (and count) their warm-up messages; kcat sends none.
  const expected = options.messages + warmupOf(name)
  const valid = result.done === expected && stored === expected
  // Over the contender's whole run, warm-up included, hence per record stored rather than per
  // measured message: how hard the contender's requests make the broker work.
  const brokerCpuPer100k = ((broker.cpuSeconds() - brokerCpuBefore) * 100000) / stored
  const row: Row = { name, ...options, ...result, valid, brokerCpuPer100k }
  // Each row as soon as it is measured: a later contender's failure does not lose it.
  const heap =
    result.heap === undefined
      ? ''
      : `, ${fmt((result.cpuSeconds * 1e6) / row.messages, 2)} µs CPU and ${fmt(result.heap.allocatedBytes / row.messages)} B allocated per message, ${result.heap.scavenges} scavenges (longest ${fmt(result.heap.maxScavengeMs, 1)} ms)`
  log(`${name}: ${fmt(row.messages / row.seconds)} msg/s${heap}, ${valid ? 'valid' : 'NOT valid'}`)
  return row
}

const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a'

const throughputOf = (row: Row | undefined): number =>
  row === undefined || !row.valid ? Number.NaN : row.messages / row.seconds

/** `reference`: the node-tuned row each row is compared with (the one of the same round). */
function table(rows: readonly Row[], reference: (row: Row) => Row | undefined = () => undefined): string {
  // The broker's CPU, where its process is known (both brokers of this bench).
  const broker = rows.some((r) => Number.isFinite(r.brokerCpuPer100k))
  const columns = [
    'contender',
    'messages',
    'msg/s',
    'MB/s',
    'p50 ms',
    'p99 ms',
    'CPU s / 100k',
    ...(broker ? ['broker CPU s / 100k'] : []),
    'peak RSS MB',
    'node-tuned ÷ this',
    'valid'
  ]
  const lines = rows.map((r) => {
    const rate = r.messages / r.seconds
    const mb = (r.messages * (r.bodyBytes + 60)) / r.seconds / 1e6
    const ratio = throughputOf(reference(r)) / rate
    const cells = [
      r.round === undefined ? r.name : `${r.name} (round ${r.round})`,
      fmt(r.messages),
      fmt(rate),
      fmt(mb, 1),
      fmt(r.p50Ms, 2),
      fmt(r.p99Ms, 2),
      fmt((r.cpuSeconds * 100000) / r.messages, 2),
      ...(broker ? [fmt(r.brokerCpuPer100k, 2)] : []),
      fmt(r.maxRssMb),
      fmt(ratio, 2),
      r.valid ? 'yes' : 'NO'
    ]
    return `| ${cells.join(' | ')} |`
  })
  return [`| ${columns.join(' | ')} |`, `|${columns.map(() => '---|').join('')}`, ...lines].join('\n')
}

/**
 * Throughput of each `node` row as a multiple of each reference row's, round by round (each ratio
 * from two rows measured minutes apart at most), and the median over the rounds.
 */
const NODE_PAIRS = [
  ['node-default', 'java-default'],
  ['node-tuned', 'java-tuned'],
  ['node-default', 'java-perf'],
  ['node-default', 'kcat'],
  ['node-tuned', 'kcat']
] as const

function ratios(
  rows: readonly Row[],
  rounds: number,
  pairs: readonly (readonly [string, string])[] = NODE_PAIRS
): string {
  const rate = (name: string, round: number): number =>
    throughputOf(rows.find((r) => r.name === name && (r.round ?? 1) === round))
  const numbers = Array.from({ length: rounds }, (_, i) => i + 1)
  const lines = pairs.map(([node, ref]) => {
    const each = numbers.map((round) => rate(node, round) / rate(ref, round))
    return `| ${node} ÷ ${ref} | ${each.map((v) => fmt(v, 2)).join(' | ')} | ${fmt(median(each), 2)} |`
  })
  const header = `| throughput | ${numbers.map((n) => `round ${n}`).join(' | ')} | median |`
  return [header, `|---|${numbers.map(() => '---|').join('')}---|`, ...lines].join('\n')
}

interface Options {
  readonly messages: number
  readonly rate: number
  readonly latencyRuns: number
  readonly rounds: number
  readonly only: string | undefined
  /** Seconds each HTTP front row is loaded. */
  readonly httpSeconds: number
  /** Keep-alive clients posting to the HTTP front at once. */
  readonly httpClients: number
  /** Rounds of the codec, confluent and same-run Apache Kafka comparisons. */
  readonly compareRounds: number
}

type Results = Record<'throughput' | 'latency' | 'scaling' | 'broker', Row[]> & {
  http: HttpRow[]
  httpBare: HttpBareRow[]
  kafkaInput: KafkaInputRow[]
  codecs?: CodecResults<Row>
  confluent?: ConfluentResults<Row>
  onKafka?: Row[]
}

/** Every contender as fast as it goes, then the naive clients and the node at a fixed rate. */
async function throughputAndLatency(
  broker: BenchBroker,
  contenders: readonly ContenderName[],
  options: Options,
  results: Results
): Promise<void> {
  for (let round = 1; round <= options.rounds; round++) {
    // Each round starts one contender later: whatever else loads this shared machine for a while
    // falls on a different contender each round rather than always on the same one.
    const order = contenders.map((_, i) => contenders[(i + round - 1) % contenders.length] as ContenderName)
    for (const name of order) {
      // `--only cli` measures the CLI with node-default beside it: its row is a ratio of the two.
      if (
        options.only !== undefined &&
        options.only !== name &&
        !(options.only === 'cli' && name === 'node-default')
      )
        continue
      // The naive clients take minutes per row and no ratio is taken with them: measured once.
      if (round > 1 && (name === 'platformatic-naive' || name === 'kafkajs-naive')) continue
      log(`throughput ${name}${options.rounds > 1 ? ` (round ${round})` : ''}`)
      const row = await measure(broker, name, {
        messages: options.messages,
        bodyBytes: 200,
        partitions: 6,
        rate: 0
      })
      results.throughput.push(options.rounds > 1 ? { ...row, round } : row)
    }
  }
  const latencyMessages = Math.min(options.messages, options.rate * 3)
  for (const name of ['node-default', 'platformatic-naive', 'kafkajs-naive'] as const) {
    if (options.only !== undefined && options.only !== name) continue
    const runs = name === 'node-default' ? options.latencyRuns : 1
    for (let run = 1; run <= runs; run++) {
      log(`latency ${name} at ${options.rate} msg/s (run ${run} of ${runs})`)
      const row = await measure(broker, name, {
        messages: latencyMessages,
        bodyBytes: 200,
        partitions: 6,
        rate: options.rate
      })
      results.latency.push(runs === 1 ? row : { ...row, name: `${name} run ${run}` })
    }
  }
}

/** The development broker: the contenders, its own ingest rate, and the node's scaling. */
async function benchDevBroker(options: Options, results: Results): Promise<void> {
  const entry = here('../src/cli/main.ts')
  const broker = await startDevBroker(6, entry)
  try {
    const contenders = [
      'node-default',
      'cli',
      'node-tuned',
      'platformatic-naive',
      'kafkajs-naive',
      'kcat'
    ] as const
    await throughputAndLatency(broker, contenders, options, results)
    const row = (name: string): Promise<Row> =>
      measure(broker, name as ContenderName, {
        messages: options.messages,
        bodyBytes: 200,
        partitions: 6,
        rate: 0
      })
    if (options.only === undefined || options.only === 'confluent')
      results.confluent = await benchConfluent(row, options.compareRounds, log)
    if (options.only === undefined || options.only === 'codecs')
      results.codecs = await benchCodecs(row, options.compareRounds, log)
    if (options.only === undefined || options.only === 'http-spool') {
      log('HTTP front (run --http) with and without --spool')
      results.http = await benchHttpSpool(
        {
          entry,
          broker: broker.address,
          rounds: 6,
          seconds: options.httpSeconds,
          concurrency: options.httpClients
        },
        log
      )
    }
    if (options.only === undefined || options.only === 'http-bare') {
      log('HTTP front (run --http) against a bare node:http server')
      const http = { entry, broker: broker.address, rounds: 6, seconds: options.httpSeconds }
      results.httpBare = await benchHttpBare({ ...http, concurrency: options.httpClients }, log)
    }
    if (options.only === undefined || options.only === 'kcat') {
      // The broker's own ceiling: what it ingests from a C producer, so that it is seen not to be
      // what limits the node.
      log('broker ingest from kcat, 1 KiB records')
      results.broker.push(
        await measure(broker, 'kcat', {
          messages: Math.min(options.messages, 100000),
          bodyBytes: 1024,
          partitions: 6,
          rate: 0
        })
      )
    }
    if (options.only === undefined) {
      for (const bodyBytes of [100, 1024, 10240]) {
        log(`scaling node-tuned ${bodyBytes} B`)
        const count = Math.max(
          1000,
          Math.floor(Math.min(options.messages, 100000) / (bodyBytes > 2000 ? 10 : 1))
        )
        results.scaling.push(
          await measure(broker, 'node-tuned', { messages: count, bodyBytes, partitions: 6, rate: 0 })
        )
      }
    }
  } finally {
    await broker.stop()
  }
  if (options.only === undefined || options.only === 'kafka-input') {
    // Its own broker: every topic of it has the input topic's 12 partitions.
    const twelve = await startDevBroker(12, entry)
    try {
      results.kafkaInput = await benchKafkaInput(
        {
          entry,
          broker: twelve.address,
          brokerPid: twelve.pid,
          records: Math.min(options.messages, 100000),
          partitions: 12
        },
        log
      )
    } finally {
      await twelve.stop()
    }
  }
  if (options.only === undefined || options.only === 'on-kafka') {
    const confluent = (await ensureConfluent(log)).ok
    results.onKafka = await benchOnKafka(
      (broker, name) =>
        measure(broker, name as ContenderName, {
          messages: options.messages,
          bodyBytes: 200,
          partitions: 6,
          rate: 0
        }),
      { rounds: options.compareRounds, confluent },
      log
    )
  }
  if (options.only === undefined) {
    // The development broker gives every topic its own partition count: one broker per count.
    for (const partitions of [1, 48]) {
      log(`scaling node-tuned over ${partitions} partitions`)
      const other = await startDevBroker(partitions, entry)
      try {
        results.scaling.push(
          await measure(other, 'node-tuned', {
            messages: Math.min(options.messages, 100000),
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
}

/** One Apache Kafka broker: the same contenders and workload, with the Java producer beside them. */
async function benchKafka(options: Options, results: Results): Promise<void> {
  log('starting Apache Kafka (one broker, KRaft)')
  const broker = await startKafkaBroker()
  try {
    const contenders = [
      'node-default',
      'node-tuned',
      'platformatic-naive',
      'kafkajs-naive',
      'java-default',
      'java-tuned',
      'java-perf',
      'kcat'
    ] as const
    await throughputAndLatency(broker, contenders, options, results)
  } finally {
    await broker.stop()
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--mqtt')) {
    const { values } = parseArgs({
      options: { mqtt: { type: 'boolean' }, messages: { type: 'string' }, quick: { type: 'boolean' } }
    })
    const { benchMqtt } = await import('./mqtt.js')
    const messages = Number(values.messages ?? (values.quick === true ? 20000 : 100000))
    await benchMqtt({ messages, connections: 20, window: 10 }, here('../src/cli/main.ts'))
    return
  }
  if (process.argv.includes('spool-stores') || process.argv.includes('--only=spool-stores')) {
    // No broker: the spool's store against embedded databases, installed on demand.
    const problem = await ensureStores(log)
    if (problem !== undefined) {
      process.stderr.write(`bench: the spool's store cannot be compared with LMDB and SQLite: ${problem}\n`)
      process.exitCode = 1
      return
    }
    const { values } = parseArgs({
      options: { only: { type: 'string' }, 'http-clients': { type: 'string' }, rounds: { type: 'string' } }
    })
    const concurrency = Number(values['http-clients'] ?? 64)
    const rows = await benchSpoolStores({ rounds: Number(values.rounds ?? 3), seconds: 2, concurrency }, log)
    process.stdout.write(
      `The spool's store: durable appends/s, ${concurrency} writers, ~370-byte messages, each marked done once durable:\n${spoolStoresTable(rows)}\n`
    )
    return
  }
  const { values } = parseArgs({
    options: {
      broker: { type: 'string', default: 'dev' },
      messages: { type: 'string' },
      rate: { type: 'string' },
      quick: { type: 'boolean' },
      only: { type: 'string' },
      'latency-runs': { type: 'string' },
      rounds: { type: 'string' },
      'http-clients': { type: 'string' }
    }
  })
  if (values.broker !== 'dev' && values.broker !== 'kafka')
    throw new Error(`--broker must be dev or kafka (got "${values.broker}")`)
  const kind: BrokerKind = values.broker
  const options: Options = {
    messages: Number(values.messages ?? (values.quick === true ? 20000 : 200000)),
    rate: Number(values.rate ?? 10000),
    // The node's p99 at a fixed rate moves with garbage-collection pauses on a shared machine:
    // several runs, each reported, rather than one number that may be a lucky or unlucky one.
    latencyRuns: Number(values['latency-runs'] ?? (values.quick === true ? 1 : 3)),
    // Against Apache Kafka the contenders are rounds apart in time on a machine shared with other
    // work: the throughput rows are measured in several rounds, their ratios taken within each.
    rounds: Number(values.rounds ?? (values.broker === 'kafka' && values.quick !== true ? 3 : 1)),
    only: values.only,
    httpSeconds: values.quick === true ? 1 : 2,
    httpClients: Number(values['http-clients'] ?? 64),
    compareRounds: Number(values.rounds ?? (values.quick === true ? 1 : 3))
  }
  const results: Results = {
    throughput: [],
    latency: [],
    scaling: [],
    broker: [],
    http: [],
    httpBare: [],
    kafkaInput: []
  }
  const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`
  log(`${options.messages} messages, ${kind === 'kafka' ? 'Apache Kafka' : 'development broker'}, ${machine}`)
  if (kind === 'kafka') await benchKafka(options, results)
  else await benchDevBroker(options, results)

  const reference = (row: Row): Row | undefined =>
    results.throughput.find((r) => r.name === 'node-tuned' && r.round === row.round)
  const sections = [
    `Machine: ${machine}`,
    `Broker: ${kind === 'kafka' ? 'Apache Kafka (one broker, KRaft)' : 'the development broker'}`,
    '',
    'Throughput (as fast as each accepts; acks=all; 6 partitions; ~200-byte bodies):',
    table(results.throughput, reference),
    '',
    `Latency from entry to acknowledgement at ${options.rate} msg/s offered:`,
    table(results.latency)
  ]
  if (kind === 'kafka') {
    sections.push(
      '',
      "The node's throughput as a multiple of the references' (same run):",
      ratios(results.throughput, options.rounds)
    )
  } else {
    sections.push(
      '',
      "The development broker's ingest rate: kcat producing 1 KiB records (acks=all; 6 partitions):",
      table(results.broker.map((r) => ({ ...r, name: 'kcat -> broker, 1 KiB' }))),
      '',
      'Scaling of the tuned node with body size (6 partitions) and partitions (200-byte bodies):',
      table(
        results.scaling.map((r) => ({
          ...r,
          name: `node-tuned ${r.bodyBytes} B x ${r.partitions} partitions`
        }))
      )
    )
  }
  if (results.confluent !== undefined) {
    sections.push(
      '',
      'node-default, node-tuned and @confluentinc/kafka-javascript (callback API, delivery reports), alternating:',
      table(results.confluent.rows),
      '',
      confluentRatios(results.confluent, options.compareRounds)
    )
  }
  if (results.codecs !== undefined) {
    sections.push(
      '',
      'node-default with each compression.type and without, alternating:',
      table(results.codecs.rows),
      '',
      codecTables(results.codecs, options.compareRounds)
    )
  }
  if (results.onKafka !== undefined) {
    sections.push(
      '',
      'On Apache Kafka in the same run (one broker, KRaft), alternating:',
      table(results.onKafka),
      '',
      onKafkaRatios(results.onKafka, options.compareRounds)
    )
  }
  if (results.throughput.some((r) => r.name === 'cli')) {
    sections.push(
      '',
      '`run` through the CLI (NDJSON on stdin, a line per message on stdout) ÷ the node in-process:',
      ratios(results.throughput, options.rounds, [['cli', 'node-default']])
    )
  }
  if (results.http.length > 0) {
    sections.push(
      '',
      `The HTTP front (run --http, ${options.httpClients} keep-alive clients, one Kafka node) with and without --spool, and with --spool --spool-loop-sync-ms 0 (every sync on the thread pool):`,
      httpSpoolTable(results.http)
    )
  }
  if (results.httpBare.length > 0) {
    sections.push(
      '',
      `The HTTP device API (run --http, one Kafka node) ÷ a bare node:http server answering 200 (${options.httpClients} keep-alive clients):`,
      httpBareTable(results.httpBare)
    )
  }
  if (results.kafkaInput.length > 0) {
    sections.push(
      '',
      '`run --kafka-input` processes in one consumer group (12 partitions, one Kafka node, input filled first):',
      kafkaInputTable(results.kafkaInput)
    )
  }
  process.stdout.write(`${sections.join('\n')}\n`)
  writeFileSync(
    here('./results.json'),
    JSON.stringify({ machine, broker: kind, ...options, results }, null, 2)
  )
}

await main()
