// The reference: kcat (librdkafka, C) producing the same records from a file. kcat cannot take
// per-line headers from a file, so it sends the same three headers, of the same size, on each.

import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import type { ContenderResult } from './contender.js'
import { sampleProcess, type ProcessSample } from './process.js'
import { workload } from './workload.js'

/** Produces the workload with kcat -P from a file; counts are checked by the caller. */
export async function runKcat(
  broker: string,
  topic: string,
  messages: number,
  bodyBytes: number
): Promise<Omit<ContenderResult, 'done' | 'failed'>> {
  const file = join(tmpdir(), `krn-bench-${topic}.txt`)
  writeFileSync(
    file,
    workload(messages, bodyBytes)
      .map((item) => `${item.key}\t${item.value}`)
      .join('\n') + '\n'
  )
  const headers = [
    '-H',
    'tb_msg_md_deviceName=device-000',
    '-H',
    'tb_msg_md_deviceType=thermostat',
    '-H',
    'tb_msg_md_ts=1732400000000'
  ]
  const started = performance.now()
  const child = spawn(
    'kcat',
    [
      '-P',
      '-b',
      broker,
      '-t',
      topic,
      '-K',
      '\t',
      '-X',
      'acks=all',
      '-X',
      'partitioner=murmur2',
      ...headers,
      '-l',
      file
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe']
    }
  )
  let last: ProcessSample = { cpuSeconds: 0, maxRssMb: 0 }
  const timer = setInterval(() => (last = sampleProcess(child.pid ?? 0, last)), 20)
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const status = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  clearInterval(timer)
  if (status !== 0) throw new Error(`kcat failed (${String(status)}): ${stderr}`)
  return {
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: last.cpuSeconds,
    maxRssMb: last.maxRssMb,
    p50Ms: Number.NaN,
    p99Ms: Number.NaN
  }
}
