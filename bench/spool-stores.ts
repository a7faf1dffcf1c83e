// The spool's store, ours against embedded databases: the same workload through each, as the HTTP
// front makes it. `concurrency` writers each append one message record (the JSON of a bench
// request's message, ~370 bytes), wait until the store says it is on disk, mark it done, and
// append the next. Our files (src/spool) against LMDB (the `lmdb` package, synced commits, its
// writes batched on its own thread) and SQLite (`better-sqlite3`, WAL, synchronous=FULL, one
// transaction per group of appends that arrived in one turn of the event loop). The databases are
// not dependencies: the bench installs them on demand (stores-install.ts).
// `npm run bench -- --only spool-stores [--http-clients 256] [--rounds 5]`: writers (default 64), rounds (3).

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createStreamLogger } from '../src/engine/logger.js'
import { Spool } from '../src/spool/spool.js'
import { requireStore } from './stores-install.js'
import { median } from './rounds.js'

/** A store as the bench drives it: an append that resolves once durable, a done mark, a close. */
interface Store {
  append(payload: Buffer): Promise<number>
  done(id: number): void
  close(): Promise<void>
}

/** One measured row. */
export interface StoreRow {
  readonly name: string
  readonly round: number
  readonly seconds: number
  readonly appends: number
  /** CPU time of this process (all its threads) per append, in µs. */
  readonly cpuMicros: number
}

export interface StoreBenchOptions {
  readonly rounds: number
  readonly seconds: number
  readonly concurrency: number
}

const PAYLOAD = Buffer.from(
  JSON.stringify({
    id: '8bb29dff-e9df-488f-8d6e-7b3704a6b6d2',
    ts: 1795932902724,
    type: 'POST_TELEMETRY_REQUEST',
    originator: { entityType: 'DEVICE', id: '0b7d6c5e-1a2b-4c3d-8e4f-5a6b7c8d9e0f' },
    metadata: { deviceName: 'B1', deviceType: 'bench', ts: '1795932902724' },
    dataType: 'JSON',
    data: '{"temperature":21.5,"humidity":40,"status":"ok","label":"bench http front"}'
  })
)

async function ourFiles(dir: string): Promise<Store> {
  const spool = await Spool.open({
    dir,
    maxBytes: 1 << 30,
    segmentBytes: 16 << 20,
    // As `run --spool` opens it (src/cli/spool-options.ts).
    preallocateBytes: 1 << 20,
    logger: createStreamLogger({ level: 'error', stream: process.stderr })
  })
  return { append: (p) => spool.append(p), done: (id) => spool.done(id), close: () => spool.close() }
}

// The databases' APIs, as far as this bench uses them (they are installed only for it).
interface LmdbDatabase {
  put(key: number, value: Buffer): Promise<boolean> & { flushed?: Promise<void> }
  remove(key: number): Promise<boolean>
  close(): Promise<void>
}
interface SqliteStatement {
  run(...values: unknown[]): unknown
}
interface SqliteDatabase {
  pragma(text: string): unknown
  exec(sql: string): unknown
  prepare(sql: string): SqliteStatement
  transaction(body: () => void): () => void
  close(): void
}

async function lmdb(dir: string, overlappingSync: boolean): Promise<Store> {
  const { open } = requireStore('lmdb') as {
    open(options: Record<string, unknown>): LmdbDatabase
  }
  const db = open({
    path: dir,
    encoding: 'binary',
    compression: false,
    noSync: false,
    overlappingSync,
    separateFlushed: overlappingSync
  })
  let next = 1
  return {
    async append(payload) {
      const id = next++
      const put = db.put(id, payload)
      await put
      // With overlapping syncs the put resolves once committed; durable once flushed.
      if (overlappingSync) await put.flushed
      return id
    },
    done(id) {
      void db.remove(id)
    },
    close: () => db.close()
  }
}

async function sqlite(dir: string): Promise<Store> {
  const Database = requireStore('better-sqlite3') as new (path: string) => SqliteDatabase
  const db = new Database(join(dir, 'spool.db'))
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.exec('CREATE TABLE IF NOT EXISTS spool (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)')
  const insert = db.prepare('INSERT INTO spool (id, payload) VALUES (?, ?)')
  const remove = db.prepare('DELETE FROM spool WHERE id = ?')
  let next = 1
  let queued: { id: number; payload: Buffer; resolve: (id: number) => void }[] = []
  let doneIds: number[] = []
  let scheduled = false
  // Group commit: what arrived in one turn of the event loop goes in one transaction, whose
  // COMMIT syncs the WAL (synchronous=FULL) before the appends are answered.
  const commit = db.transaction(() => {
    for (const entry of queued) insert.run(entry.id, entry.payload)
    for (const id of doneIds) remove.run(id)
  })
  const flush = (): void => {
    scheduled = false
    const batch = queued
    commit()
    queued = []
    doneIds = []
    for (const entry of batch) entry.resolve(entry.id)
  }
  return {
    append(payload) {
      return new Promise((resolve) => {
        queued.push({ id: next++, payload, resolve })
        if (!scheduled) {
          scheduled = true
          setImmediate(flush)
        }
      })
    },
    done(id) {
      doneIds.push(id)
    },
    close() {
      if (scheduled) flush()
      db.close()
      return Promise.resolve()
    }
  }
}

const STORES: Record<string, (dir: string) => Promise<Store>> = {
  'our files': ourFiles,
  'lmdb, synced commits': (dir) => lmdb(dir, false),
  'lmdb, overlapping syncs': (dir) => lmdb(dir, true),
  'sqlite WAL, synchronous=FULL': sqlite
}

async function load(
  store: Store,
  concurrency: number,
  seconds: number
): Promise<Omit<StoreRow, 'name' | 'round'>> {
  let appends = 0
  const cpu = process.cpuUsage()
  const started = process.hrtime.bigint()
  const deadline = Date.now() + seconds * 1000
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        const id = await store.append(PAYLOAD)
        appends++
        // The message has left the chain at once: the marks cost what they cost, no backlog grows.
        store.done(id)
      }
    })
  )
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9
  const used = process.cpuUsage(cpu)
  return { seconds: elapsed, appends, cpuMicros: (used.user + used.system) / appends }
}

/**
 * Each store in turn, a fresh directory each, in rounds whose order rotates, so that what else
 * loads a shared machine falls on each alike; ratios are taken within a round.
 */
export async function benchSpoolStores(
  options: StoreBenchOptions,
  log: (line: string) => void
): Promise<StoreRow[]> {
  const names = Object.keys(STORES)
  const rows: StoreRow[] = []
  const root = mkdtempSync(join(tmpdir(), 'krn-bench-stores-'))
  try {
    for (let round = 1; round <= options.rounds; round++) {
      const order = names.map((_, i) => names[(i + round - 1) % names.length] as string)
      for (const name of order) {
        const dir = mkdtempSync(join(root, 'store-'))
        const store = await (STORES[name] as (dir: string) => Promise<Store>)(dir)
        // Warm-up: the JIT, the files' first blocks.
        await load(store, options.concurrency, 0.5)
        const measured = await load(store, options.concurrency, options.seconds)
        await store.close()
        rmSync(dir, { recursive: true, force: true })
        rows.push({ name, round, ...measured })
        log(
          `${name} (round ${round}): ${Math.round(measured.appends / measured.seconds)} durable appends/s, ${measured.cpuMicros.toFixed(1)} µs CPU each`
        )
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
  return rows
}

/** Appends/s per store and round, each as a fraction of our files' in the same round. */
export function spoolStoresTable(rows: readonly StoreRow[]): string {
  const rounds = [...new Set(rows.map((r) => r.round))]
  const names = [...new Set(rows.map((r) => r.name))]
  const rate = (row: StoreRow | undefined): number =>
    row === undefined ? Number.NaN : row.appends / row.seconds
  const lines = [
    `| store | ${rounds.map((r) => `round ${r} appends/s (÷ ours)`).join(' | ')} | median ÷ ours | CPU µs per append (median) |`,
    `|---|${rounds.map(() => '---|').join('')}---|---|`
  ]
  for (const name of names) {
    const cells: string[] = []
    const ratios: number[] = []
    const cpu: number[] = []
    for (const round of rounds) {
      const row = rows.find((r) => r.round === round && r.name === name)
      const ours = rows.find((r) => r.round === round && r.name === 'our files')
      const ratio = rate(row) / rate(ours)
      ratios.push(ratio)
      if (row !== undefined) cpu.push(row.cpuMicros)
      cells.push(`${Math.round(rate(row))} (${ratio.toFixed(2)})`)
    }
    lines.push(
      `| ${name} | ${cells.join(' | ')} | ${median(ratios).toFixed(2)} | ${median(cpu).toFixed(1)} |`
    )
  }
  return lines.join('\n')
}
