// The HTTP device API ÷ a bare Node HTTP server answering 200: `run --http` (one Kafka node, the
// chain of the spool bench) and bench/http-bare-server.ts, each in its own process, loaded in
// alternating slices by the same keep-alive clients posting the same bodies (http-spool.ts's
// client). Requests/s answered 200 and each server's CPU per request (from /proc), per round.

import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { benchServer, load, startService, type BenchServer } from './http-spool.js'
import { sampleProcess } from './process.js'
import { median } from './rounds.js'

/** One measured slice. */
export interface HttpBareRow {
  readonly name: 'run --http' | 'bare node:http'
  readonly round: number
  readonly seconds: number
  readonly ok: number
  readonly refused: number
  /** The server process's CPU seconds during the slice. */
  readonly cpuSeconds: number
}

/** How hard and how long to load the servers. */
export interface HttpBareOptions {
  readonly entry: string
  readonly broker: string
  readonly rounds: number
  readonly seconds: number
  readonly concurrency: number
}

async function startBare(): Promise<BenchServer> {
  const script = fileURLToPath(new URL('./http-bare-server.ts', import.meta.url))
  const child = spawn(process.execPath, [...process.execArgv, script], {
    stdio: ['ignore', 'ignore', 'pipe']
  })
  return benchServer(child, /listening on (\d+)/, 'the bare server')
}

/** Loads both servers in alternating slices (the order flipping each round). */
export async function benchHttpBare(
  options: HttpBareOptions,
  log: (line: string) => void
): Promise<HttpBareRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'krn-bench-http-bare-'))
  const servers: Record<HttpBareRow['name'], BenchServer> = {
    'run --http': await startService(options, join(dir, 'run'), undefined),
    'bare node:http': await startBare()
  }
  const rows: HttpBareRow[] = []
  try {
    for (const server of Object.values(servers)) await load(server.port, options.concurrency, 1)
    for (let round = 1; round <= options.rounds; round++) {
      const order: HttpBareRow['name'][] =
        round % 2 === 1 ? ['run --http', 'bare node:http'] : ['bare node:http', 'run --http']
      for (const name of order) {
        const server = servers[name]
        const before = sampleProcess(server.pid, { cpuSeconds: 0, maxRssMb: 0 })
        const measured = await load(server.port, options.concurrency, options.seconds)
        const after = sampleProcess(server.pid, before)
        rows.push({ name, round, ...measured, cpuSeconds: after.cpuSeconds - before.cpuSeconds })
        log(`${name} (round ${round}): ${Math.round(measured.ok / measured.seconds)} requests/s answered 200`)
      }
    }
  } finally {
    for (const server of Object.values(servers)) await server.stop()
    rmSync(dir, { recursive: true, force: true })
  }
  return rows
}

/** The rows as a table: requests/s and CPU µs per request of each, and their ratio per round. */
export function httpBareTable(rows: readonly HttpBareRow[]): string {
  const rate = (row: HttpBareRow | undefined): number =>
    row === undefined ? Number.NaN : row.ok / row.seconds
  const cpu = (row: HttpBareRow | undefined): string =>
    row === undefined ? 'n/a' : ((row.cpuSeconds * 1e6) / (row.ok + row.refused)).toFixed(1)
  const lines = [
    '| round | run --http req/s | bare req/s | run --http ÷ bare | run --http CPU µs / request | bare CPU µs / request | refused (non-200) |',
    '|---|---|---|---|---|---|---|'
  ]
  const ratios: number[] = []
  for (const round of [...new Set(rows.map((r) => r.round))]) {
    const front = rows.find((r) => r.round === round && r.name === 'run --http')
    const bare = rows.find((r) => r.round === round && r.name === 'bare node:http')
    const ratio = rate(front) / rate(bare)
    ratios.push(ratio)
    lines.push(
      `| ${round} | ${Math.round(rate(front))} | ${Math.round(rate(bare))} | ${ratio.toFixed(2)} | ${cpu(front)} | ${cpu(bare)} | ${(front?.refused ?? 0) + (bare?.refused ?? 0)} |`
    )
  }
  lines.push('', `Median run --http ÷ bare: ${median(ratios).toFixed(2)} (the goal: at least 0.70)`)
  return lines.join('\n')
}
