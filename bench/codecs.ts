// The codecs: node-default with compression.type gzip, snappy, lz4 (zstd on Node.js 22.15+) and
// without compression, in rounds (throughput ratios within each round); and how long compressing a
// produce request holds the event loop, on it (compressSync, what the producer did before) and on
// the compression thread (src/kafka/producer/batch-compressor.ts, what it does now).

import zlib from 'node:zlib'
import { compressionsAlgorithms } from '@platformatic/kafka'
import { batchCompressor } from '../src/kafka/producer/batch-compressor.js'
import { inRounds, megabytesOf, median, ratioTable, type RoundRow } from './rounds.js'
import { workload } from './workload.js'

const CODECS = ['gzip', 'snappy', 'lz4', 'zstd'] as const
type Codec = (typeof CODECS)[number]

const hasZstd = typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync === 'function'

/** Why a codec is not measured here, or undefined. */
const skipped = (codec: Codec): string | undefined =>
  codec === 'zstd' && !hasZstd ? `zstd needs Node.js 22.15 or later (this is ${process.version})` : undefined

/** How long compressing one request held the event loop, one way. */
export interface BlockRow {
  readonly codec: Codec | 'none'
  readonly request: string
  readonly way:
    'on the event loop (compressSync)' | 'compression thread' | 'a 1 ms timer instead (the noise floor)'
  readonly requests: number
  /** Requests that kept the event loop busy for more than 1 ms. */
  readonly overOneMs: number
  /** The event loop's busy time over the request that kept it busiest (a bound on its longest block). */
  readonly maxBlockMs: number
  /** The 99th percentile of the loop's busy time per request. */
  readonly p99BlockMs: number
  /** The median of the loop's busy time per request. */
  readonly medianBlockMs: number
  /** Uncompressed MB per second through the codec, this way. */
  readonly megabytesPerSecond: number
}

export interface CodecResults<R extends RoundRow> {
  readonly rows: R[]
  readonly skipped: { readonly codec: Codec; readonly reason: string }[]
  readonly blocking: BlockRow[]
}

/** The codec rows in `rounds` rounds, then the event-loop measurement. */
export async function benchCodecs<R extends RoundRow>(
  measure: (name: string) => Promise<R>,
  rounds: number,
  log: (line: string) => void
): Promise<CodecResults<R>> {
  const measured = CODECS.filter((codec) => skipped(codec) === undefined)
  const names = ['node-default', ...measured.map((codec) => `node-${codec}`)]
  const rows = await inRounds(names, rounds, (name, round) => {
    log(`codecs: ${name} (round ${round} of ${rounds})`)
    return measure(name)
  })
  // The same loop with a timer in place of the compression: what this machine alone adds.
  const blocking: BlockRow[] = [
    await blockingOf('none', REQUESTS[0], 'a 1 ms timer instead (the noise floor)')
  ]
  for (const codec of measured) {
    for (const shape of REQUESTS) {
      log(`codecs: how long compressing ${shape.name} holds the event loop, ${codec}`)
      blocking.push(await blockingOf(codec, shape, 'on the event loop (compressSync)'))
      blocking.push(await blockingOf(codec, shape, 'compression thread'))
    }
  }
  return {
    rows,
    skipped: CODECS.flatMap((codec) => {
      const reason = skipped(codec)
      return reason === undefined ? [] : [{ codec, reason }]
    }),
    blocking
  }
}

/** The tables: each codec's MB/s ÷ no compression's per round, and the event-loop blocks. */
export function codecTables<R extends RoundRow>(results: CodecResults<R>, rounds: number): string {
  const codecs = [...new Set(results.rows.map((r) => r.name))].filter((n) => n !== 'node-default')
  const pairs = codecs.map((name) => [name, 'node-default'] as const)
  const mb = (name: string): string =>
    median(results.rows.filter((r) => r.name === name).map(megabytesOf)).toFixed(1)
  const blocks = results.blocking.map(
    (b) =>
      `| ${b.codec} | ${b.request} | ${b.way} | ${b.requests} | ${b.overOneMs} | ${b.maxBlockMs.toFixed(2)} | ${b.p99BlockMs.toFixed(2)} | ${b.medianBlockMs.toFixed(3)} | ${b.megabytesPerSecond.toFixed(0)} |`
  )
  return [
    `Median MB/s (records as body + 60 bytes, uncompressed): ${['node-default', ...codecs].map((n) => `${n} ${mb(n)}`).join(', ')}`,
    '',
    ratioTable(results.rows, pairs, rounds, megabytesOf),
    ...results.skipped.map((s) => `node-${s.codec}: skipped, ${s.reason}`),
    '',
    "How long compressing one produce request holds the event loop (the loop's busy time per request, which bounds its longest block; wall time, so a loaded machine adds to it):",
    '| codec | request | where | requests | over 1 ms | max ms | p99 ms | median ms | MB/s |',
    '|---|---|---|---|---|---|---|---|---|',
    ...blocks
  ].join('\n')
}

/** A produce request's batches: node-default's (6 partitions, batch.size 16 KiB) and a large one. */
const REQUESTS = [
  { name: '6 batches of 16 KiB', batches: 6, bytes: 16384, count: 200 },
  { name: '4 batches of 256 KiB', batches: 4, bytes: 262144, count: 40 }
] as const

// The workload's records as text (key, body, header values), cut to size: what a batch holds.
function batchBodies(batches: number, bytes: number): Buffer[] {
  const text = Buffer.from(
    workload(Math.ceil((batches * bytes) / 250) + 1)
      .map((item) => `${item.key}${item.value}${Object.values(item.metadata).join('')}`)
      .join('')
  )
  return Array.from({ length: batches }, (_, i) => Buffer.from(text.subarray(i * bytes, (i + 1) * bytes)))
}

// Compresses `count` requests one after another, each started from a fresh turn of the event
// loop, and takes the loop's busy time over each (eventLoopUtilization: the time not spent
// waiting for events): compressSync's whole run, or the hand-off to the thread and its answer.
// The longest block a request causes is at most that. It is wall time: on a loaded machine the
// OS taking the core away mid-stretch adds to it, in both ways alike.
async function blockingOf(
  codec: Codec | 'none',
  shape: (typeof REQUESTS)[number],
  way: BlockRow['way']
): Promise<BlockRow> {
  const compress = async (bodies: Buffer[]): Promise<void> => {
    if (codec === 'none') await new Promise((resolve) => setTimeout(resolve, 1))
    else if (way === 'compression thread') await batchCompressor.compress(codec, bodies, 61)
    else for (const body of bodies) compressionsAlgorithms[codec].compressSync(body)
  }
  // Warm: the thread started, the codecs compiled.
  for (let i = 0; i < 5; i++) await compress(batchBodies(shape.batches, shape.bytes))
  const requests = Array.from({ length: shape.count }, () => batchBodies(shape.batches, shape.bytes))
  const busy: number[] = []
  const started = performance.now()
  for (const bodies of requests) {
    await new Promise((resolve) => setImmediate(resolve))
    const before = performance.eventLoopUtilization()
    await compress(bodies)
    busy.push(performance.eventLoopUtilization(before).active)
  }
  const seconds = (performance.now() - started) / 1000
  const sorted = [...busy].sort((a, b) => a - b)
  return {
    codec,
    request: shape.name,
    way,
    requests: shape.count,
    overOneMs: busy.filter((ms) => ms > 1).length,
    maxBlockMs: sorted.at(-1) as number,
    p99BlockMs: sorted[Math.floor(sorted.length * 0.99)] as number,
    medianBlockMs: median(busy),
    megabytesPerSecond: (shape.count * shape.batches * shape.bytes) / seconds / 1e6
  }
}
