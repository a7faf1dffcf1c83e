// The HTTP front with and without --spool: the real `run --http` process publishing to the bench's
// broker, loaded by keep-alive clients from this process, requests per second answered 200. The
// two are measured in alternating rounds of one run, and compared as a ratio within each round.

import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { kafkaChainFile } from './chain-file.js'

/** One measured row. */
export interface HttpRow {
  readonly name: 'http' | 'http + spool'
  readonly round: number
  readonly seconds: number
  readonly ok: number
  readonly refused: number
}

/** How hard and how long to load the front. */
export interface HttpBenchOptions {
  readonly entry: string
  readonly broker: string
  readonly rounds: number
  readonly seconds: number
  readonly concurrency: number
}

const DEVICE = { token: 'bench-token', name: 'B1', type: 'bench', id: '0b7d6c5e-1a2b-4c3d-8e4f-5a6b7c8d9e0f' }

function chainFile(dir: string, broker: string): string {
  const configuration = { topicPattern: `bench-http-${Date.now()}`, bootstrapServers: broker, linger: 5 }
  return kafkaChainFile(dir, 'bench http', configuration)
}

/** A server process the bench loads: where it listens, its process id, and how to stop it. */
export interface BenchServer {
  readonly port: number
  readonly pid: number
  stop(): Promise<void>
}

/** Starts `run --http 0` (with a spool in `spoolDir` when given); resolves with its port and a stop. */
export async function startService(
  options: Pick<HttpBenchOptions, 'entry' | 'broker'>,
  dir: string,
  spoolDir: string | undefined
): Promise<BenchServer> {
  mkdirSync(dir, { recursive: true })
  const devices = join(dir, 'devices.json')
  writeFileSync(devices, JSON.stringify({ [DEVICE.token]: DEVICE }))
  const args = [
    ...process.execArgv,
    options.entry,
    'run',
    chainFile(dir, options.broker),
    '--http',
    '0',
    '--devices',
    devices,
    '--log-level',
    'error',
    ...(spoolDir === undefined ? [] : ['--spool', spoolDir])
  ]
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'ignore', 'pipe'] })
  child.stdin.end()
  let stderr = ''
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
      const match = /http: listening on [\d.]+:(\d+)/.exec(stderr)
      if (match !== null) resolve(Number(match[1]))
    })
    child.on('exit', (code) => reject(new Error(`run --http exited with ${String(code)}: ${stderr}`)))
  })
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  return {
    port,
    pid: child.pid ?? 0,
    async stop() {
      child.kill('SIGTERM')
      await exited
    }
  }
}

/** Posts as fast as `concurrency` keep-alive connections allow for `seconds`; counts the answers. */
export async function load(
  port: number,
  concurrency: number,
  seconds: number
): Promise<{ ok: number; refused: number; seconds: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
  const body = Buffer.from('{"temperature":21.5,"humidity":40,"status":"ok","label":"bench http front"}')
  let ok = 0
  let refused = 0
  const post = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          agent,
          method: 'POST',
          path: `/api/v1/${DEVICE.token}/telemetry`,
          headers: { 'content-type': 'application/json', 'content-length': body.length }
        },
        (res) => {
          res.resume()
          res.on('end', () => resolve(res.statusCode ?? 0))
        }
      )
      req.on('error', reject)
      req.end(body)
    })
  const started = process.hrtime.bigint()
  const deadline = Date.now() + seconds * 1000
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        if ((await post()) === 200) ok++
        else refused++
      }
    })
  )
  agent.destroy()
  return { ok, refused, seconds: Number(process.hrtime.bigint() - started) / 1e9 }
}

/**
 * Measures the front without and with the spool: both services run side by side, and short load
 * slices alternate between them (the order flipping each round), so that what else loads a shared
 * machine falls on both alike and each round's ratio compares slices seconds apart.
 */
export async function benchHttpSpool(
  options: HttpBenchOptions,
  log: (line: string) => void
): Promise<HttpRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'krn-bench-http-'))
  const services = {
    http: await startService(options, join(dir, 'plain'), undefined),
    'http + spool': await startService(options, join(dir, 'spooled'), join(dir, 'spool'))
  }
  const rows: HttpRow[] = []
  try {
    // Warm-up: connections, JIT, the producer's metadata.
    for (const service of Object.values(services)) await load(service.port, options.concurrency, 1)
    for (let round = 1; round <= options.rounds; round++) {
      const order: HttpRow['name'][] = round % 2 === 1 ? ['http', 'http + spool'] : ['http + spool', 'http']
      for (const name of order) {
        const measured = await load(services[name].port, options.concurrency, options.seconds)
        rows.push({ name, round, ...measured })
        log(`${name} (round ${round}): ${Math.round(measured.ok / measured.seconds)} requests/s answered 200`)
      }
    }
  } finally {
    for (const service of Object.values(services)) await service.stop()
    rmSync(dir, { recursive: true, force: true })
  }
  return rows
}

/** The rows as a table, with the spool's throughput as a fraction of the plain front's per round. */
export function httpSpoolTable(rows: readonly HttpRow[]): string {
  const rate = (row: HttpRow | undefined): number => (row === undefined ? Number.NaN : row.ok / row.seconds)
  const lines = [
    '| round | http req/s | http + spool req/s | spool ÷ plain | refused (non-200) |',
    '|---|---|---|---|---|'
  ]
  const ratios: number[] = []
  const rounds = [...new Set(rows.map((r) => r.round))]
  for (const round of rounds) {
    const plain = rows.find((r) => r.round === round && r.name === 'http')
    const spooled = rows.find((r) => r.round === round && r.name === 'http + spool')
    const ratio = rate(spooled) / rate(plain)
    ratios.push(ratio)
    lines.push(
      `| ${round} | ${Math.round(rate(plain))} | ${Math.round(rate(spooled))} | ${ratio.toFixed(2)} | ${(plain?.refused ?? 0) + (spooled?.refused ?? 0)} |`
    )
  }
  const sorted = ratios.filter((r) => Number.isFinite(r)).sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  const median =
    sorted.length === 0
      ? Number.NaN
      : sorted.length % 2 === 1
        ? (sorted[mid] as number)
        : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
  lines.push(
    '',
    `Median spool ÷ plain: ${median.toFixed(2)} (the goal: at least 0.70, the spool costing at most 30%)`
  )
  return lines.join('\n')
}
