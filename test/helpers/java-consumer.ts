import { spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { kafkaClasspath, referenceDir } from '../../reference/kafka/libs.js'

/** A record as Apache Kafka's own Java consumer printed it: exact key, value and header bytes. */
export interface JavaRecord {
  readonly partition: number
  readonly offset: number
  readonly key: Buffer | null
  readonly value: Buffer | null
  readonly headers: [string, Buffer | null][]
}

// Control characters as separators, so that text in keys, values and headers cannot be mistaken
// for them; the default formatter writes key, value and header bytes as they are. A header's key
// and value are always joined by ':' (not configurable): header keys must not hold one.
const FIELD = '\x1f'
const LINE = '\x1e'
const HEADERS = '\x1d'
const NULL = '\x1bnull\x1b'

/**
 * The first `count` records of partition `partition` of `topic` (of every partition with 'all', in
 * the order they came), read from the earliest offset by Kafka's console consumer
 * (`org.apache.kafka.tools.consumer.ConsoleConsumer`, the Java consumer of kafka-clients). Each
 * call starts a JVM (one to a few seconds): use it where it proves something.
 */
export async function javaConsume(
  bootstrap: string,
  topic: string,
  partition: number | 'all',
  count: number,
  timeoutMs = 20_000
): Promise<JavaRecord[]> {
  const logs = join(process.cwd(), '.tmp', 'java-consumer')
  mkdirSync(logs, { recursive: true })
  const properties = {
    'print.partition': 'true',
    'print.offset': 'true',
    'print.headers': 'true',
    'print.key': 'true',
    'print.value': 'true',
    'key.separator': FIELD,
    'line.separator': LINE,
    'headers.separator': HEADERS,
    'null.literal': NULL
  }
  const args = [
    '-XX:TieredStopAtLevel=1',
    '-Xshare:auto',
    `-Dkafka.logs.dir=${logs}`,
    `-Dlog4j2.configurationFile=${join(referenceDir, 'log4j2.properties')}`,
    '-cp',
    kafkaClasspath(),
    'org.apache.kafka.tools.consumer.ConsoleConsumer',
    '--bootstrap-server',
    bootstrap,
    '--topic',
    topic,
    ...(partition === 'all'
      ? ['--from-beginning', '--group', `java-consumer-${String(process.pid)}-${String(Date.now())}`]
      : ['--partition', String(partition), '--offset', 'earliest']),
    '--max-messages',
    String(count),
    '--timeout-ms',
    String(timeoutMs),
    ...Object.entries(properties).flatMap(([name, value]) => ['--property', `${name}=${value}`])
  ]
  const { status, stdout, stderr } = await runJava(args, timeoutMs + 30_000)
  const records = parse(stdout)
  if (status !== 0 || records.length !== count)
    throw new Error(
      `the Java console consumer read ${String(records.length)} of ${String(count)} records (exit ${String(status)}): ${stderr}`
    )
  return records
}

function runJava(
  args: string[],
  timeoutMs: number
): Promise<{ status: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    let stderr = ''
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (status) => {
      clearTimeout(timer)
      resolve({ status, stdout: Buffer.concat(out), stderr })
    })
  })
}

/** Splits `buffer` at every occurrence of the one-byte `separator`. */
function split(buffer: Buffer, separator: string): Buffer[] {
  const parts: Buffer[] = []
  const byte = separator.charCodeAt(0)
  let start = 0
  for (let i = 0; i < buffer.length; i++) {
    if (buffer[i] !== byte) continue
    parts.push(buffer.subarray(start, i))
    start = i + 1
  }
  parts.push(buffer.subarray(start))
  return parts
}

const orNull = (bytes: Buffer): Buffer | null => (bytes.toString('latin1') === NULL ? null : bytes)

// One line: `Partition:P`, `Offset:O`, the headers (or NO_HEADERS), the key, the value.
function parse(stdout: Buffer): JavaRecord[] {
  const lines = split(stdout, LINE)
  if (lines.at(-1)?.length === 0) lines.pop()
  return lines.map((line) => {
    const [partition, offset, headers, key, value, ...rest] = split(line, FIELD)
    if (
      partition === undefined ||
      offset === undefined ||
      headers === undefined ||
      key === undefined ||
      value === undefined ||
      rest.length > 0
    )
      throw new Error(`unexpected console consumer line: ${JSON.stringify(line.toString('latin1'))}`)
    const headerText = headers.toString('latin1')
    return {
      partition: Number(partition.toString().replace('Partition:', '')),
      offset: Number(offset.toString().replace('Offset:', '')),
      key: orNull(key),
      value: orNull(value),
      headers:
        headerText === 'NO_HEADERS'
          ? []
          : split(headers, HEADERS).map((header): [string, Buffer | null] => {
              const at = header.indexOf(':'.charCodeAt(0))
              return [header.subarray(0, at).toString('utf8'), orNull(header.subarray(at + 1))]
            })
    }
  })
}
