// The Java contenders, for the bench on Apache Kafka: our BenchProducer (kafka-clients sending the
// node's keyed records and headers, configured as ThingsBoard's TbKafkaNode configures it) and
// Kafka's own perf tool, ProducerPerformance (no keys, no headers: the tool cannot send them).

import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { kafkaClasspath, referenceDir } from '../reference/kafka/libs.js'
import type { ContenderResult } from './contender.js'
import { runCommand, sampleProcess, type ProcessSample } from './process.js'
import { workload } from './workload.js'

const source = fileURLToPath(new URL('./java/BenchProducer.java', import.meta.url))
const classes = fileURLToPath(new URL('../.tmp/bench-java', import.meta.url))

/** The Java producer's batching, as the node's `batchSize` and `linger` fields. */
export interface JavaTuning {
  readonly batchSize: number
  readonly linger: number
}

// kafka-clients logs through log4j 2: the reference broker's configuration sends INFO to a file
// in a folder of the run's own and only errors to stderr, so stdout carries the result alone.
function javaOptions(): string[] {
  const logs = join(tmpdir(), 'krn-bench-java-logs')
  mkdirSync(logs, { recursive: true })
  return [`-Dkafka.logs.dir=${logs}`, `-Dlog4j2.configurationFile=${join(referenceDir, 'log4j2.properties')}`]
}

/** Compiles BenchProducer against Apache Kafka's jars (Maven Central, via reference/kafka) when changed. */
async function compiled(classpath: string): Promise<void> {
  const built = join(classes, 'BenchProducer.class')
  if (existsSync(built) && statSync(built).mtimeMs >= statSync(source).mtimeMs) return
  mkdirSync(classes, { recursive: true })
  const result = await runCommand('javac', ['-d', classes, '-cp', classpath, source])
  if (result.status !== 0) throw new Error(`javac BenchProducer failed:\n${result.stderr}`)
}

async function runJava(args: readonly string[]): Promise<{ stdout: string; sample: ProcessSample }> {
  const child = spawn('java', [...javaOptions(), ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  let last: ProcessSample = { cpuSeconds: 0, maxRssMb: 0 }
  const timer = setInterval(() => (last = sampleProcess(child.pid ?? 0, last)), 20)
  const status = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  clearInterval(timer)
  if (status !== 0) throw new Error(`java ${args.at(-1) ?? ''} failed (${String(status)}):\n${stderr}`)
  return { stdout, sample: last }
}

/**
 * BenchProducer over `warmup + messages` records of the workload, with the node's four headers
 * per record (the three metadata entries and the bench's own `benchIndex`). It times itself from
 * the first measured send to the last acknowledgement, as the Node contenders do.
 */
export async function runJavaProducer(
  broker: string,
  topic: string,
  options: { messages: number; bodyBytes: number; warmup: number; tuning: JavaTuning }
): Promise<ContenderResult> {
  const classpath = kafkaClasspath()
  await compiled(classpath)
  const file = join(tmpdir(), `krn-bench-${topic}.tsv`)
  const items = workload(options.warmup + options.messages, options.bodyBytes)
  writeFileSync(
    file,
    items
      .map((item, i) => {
        const headers = Object.entries({ ...item.metadata, benchIndex: String(i) }).map(
          ([k, v]) => `${k}=${v}`
        )
        return [item.key, item.value, ...headers].join('\t')
      })
      .join('\n') + '\n'
  )
  const { stdout } = await runJava([
    '-cp',
    `${classes}:${classpath}`,
    'BenchProducer',
    broker,
    topic,
    file,
    String(options.warmup),
    String(options.tuning.batchSize),
    String(options.tuning.linger)
  ])
  const line = stdout
    .trim()
    .split('\n')
    .findLast((l) => l.startsWith('{'))
  if (line === undefined) throw new Error(`BenchProducer printed no result:\n${stdout}`)
  return JSON.parse(line) as ContenderResult
}

// ProducerPerformance's closing line: "N records sent, R records/sec (M MB/sec), A ms avg latency,
// X ms max latency, P50 ms 50th, P95 ms 95th, P99 ms 99th, P999 ms 99.9th."
const TOTAL = /(\d+) records sent, ([\d.]+) records\/sec .*?, (\d+) ms 50th, \d+ ms 95th, (\d+) ms 99th/

/**
 * Kafka's own perf tool with ThingsBoard's producer defaults, bodies drawn at random from the
 * workload's. Counts are checked by the caller from the high watermarks; its rate is its own
 * (timed from its first send), its CPU that of the whole JVM, start-up included.
 */
export async function runProducerPerformance(
  broker: string,
  topic: string,
  options: { messages: number; bodyBytes: number }
): Promise<Omit<ContenderResult, 'done' | 'failed'>> {
  const classpath = kafkaClasspath()
  const file = join(tmpdir(), `krn-bench-${topic}.payloads`)
  // The tool picks a payload at random per record: 1,000 distinct bodies of the workload's shape.
  writeFileSync(
    file,
    workload(1000, options.bodyBytes)
      .map((item) => item.value)
      .join('\n') + '\n'
  )
  const { stdout, sample } = await runJava([
    '-cp',
    classpath,
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic',
    topic,
    '--num-records',
    String(options.messages),
    '--payload-file',
    file,
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${broker}`,
    'acks=all',
    'retries=0',
    'enable.idempotence=false',
    'batch.size=16384',
    'linger.ms=0',
    'buffer.memory=33554432'
  ])
  const total = TOTAL.exec(stdout)
  if (total === null) throw new Error(`ProducerPerformance printed no total:\n${stdout}`)
  return {
    seconds: options.messages / Number(total[2]),
    cpuSeconds: sample.cpuSeconds,
    maxRssMb: sample.maxRssMb,
    p50Ms: Number(total[3]),
    p99Ms: Number(total[4])
  }
}
