// The HTTP front with and without --spool: the real `run --http` process publishing to the bench's
// broker, loaded by keep-alive clients from this process, requests per second answered 200. The
// plain front, the spooled one, and the spooled one with its syncs always on the thread pool
// (`--spool-loop-sync-ms 0`, what the spool's default is measured against) are measured in
// rotating slices of one run, and compared as ratios within each round.

import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { kafkaChainFile } from './chain-file.js'
import { median } from './rounds.js'

const SERVICES = ['http', 'http + spool', 'http + spool, pool syncs'] as const
type ServiceName = (typeof SERVICES)[number]

/** One measured row. */
export interface HttpRow {
  readonly name: ServiceName
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
  spoolDir: string | undefined,
  extraArgs: readonly string[] = []
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
    ...(spoolDir === undefined ? [] : ['--spool', spoolDir]),
    ...extraArgs
  ]
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'ignore', 'pipe'] })
  child.stdin.end()
  return benchServer(child, /http: listening on [\d.]+:(\d+)/, 'run --http')
}

/**
 * A server process once it has said on stderr where it listens (`listening`'s first group is the
 * port); rejects with its stderr, naming it as `what`, if it exits first. Stopped with SIGTERM.
 */
export async function benchServer(
  child: ChildProcess,
  listening: RegExp,
  what: string
): Promise<BenchServer> {
  let stderr = ''
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
      const match = listening.exec(stderr)
      if (match !== null) resolve(Number(match[1]))
    })
    child.on('exit', (code) => reject(new Error(`${what} exited with ${String(code)}: ${stderr}`)))
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
  const services: Record<ServiceName, BenchServer> = {
    http: await startService(options, join(dir, 'plain'), undefined),
    'http + spool': await startService(options, join(dir, 'spooled'), join(dir, 'spool')),
    'http + spool, pool syncs': await startService(options, join(dir, 'pooled'), join(dir, 'pool-spool'), [
      '--spool-loop-sync-ms',
      '0'
    ])
  }
  const rows: HttpRow[] = []
  try {
    // Warm-up: connections, JIT, the producer's metadata.
    for (const service of Object.values(services)) await load(service.port, options.concurrency, 1)
    for (let round = 1; round <= options.rounds; round++) {
      // Each round starts one later in the rotation, so that no service always follows the same one.
      const order = SERVICES.map((_, i) => SERVICES[(i + round - 1) % SERVICES.length] as ServiceName)
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

/** The rows as a table, with each spooled front's throughput as a fraction of the plain front's per round. */
export function httpSpoolTable(rows: readonly HttpRow[]): string {
  const rate = (row: HttpRow | undefined): number => (row === undefined ? Number.NaN : row.ok / row.seconds)
  const lines = [
    '| round | http req/s | http + spool req/s | spool ÷ plain | spool, pool syncs req/s | pool syncs ÷ plain | refused (non-200) |',
    '|---|---|---|---|---|---|---|'
  ]
  const ratios: number[] = []
  const poolRatios: number[] = []
  const rounds = [...new Set(rows.map((r) => r.round))]
  for (const round of rounds) {
    const row = (name: ServiceName): HttpRow | undefined =>
      rows.find((r) => r.round === round && r.name === name)
    const [plain, spooled, pooled] = SERVICES.map(row)
    const ratio = rate(spooled) / rate(plain)
    const poolRatio = rate(pooled) / rate(plain)
    ratios.push(ratio)
    poolRatios.push(poolRatio)
    const refused = [plain, spooled, pooled].reduce((sum, r) => sum + (r?.refused ?? 0), 0)
    lines.push(
      `| ${round} | ${Math.round(rate(plain))} | ${Math.round(rate(spooled))} | ${ratio.toFixed(2)} | ${Math.round(rate(pooled))} | ${poolRatio.toFixed(2)} | ${refused} |`
    )
  }
  lines.push(
    '',
    `Median spool ÷ plain: ${median(ratios).toFixed(2)} (the goal: at least 0.70, the spool costing at most 30%); with every sync on the thread pool: ${median(poolRatios).toFixed(2)}`
  )
  return lines.join('\n')
}
