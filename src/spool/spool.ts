// A durable spool: an append-only, segmented write-ahead log of accepted messages. `append`
// resolves once the message's record is on disk (fdatasync); appends that arrive while a sync is
// under way are written and synced together by the next one (group commit), so concurrent callers
// share a sync. `done` marks a message finished; the marks ride along with the next sync. The
// oldest segments whose messages are all done are deleted, oldest first: a done mark always lives
// in a segment no older than its message, so deleting in order never loses a mark that a kept
// message needs.
//
// With `preallocateBytes`, the active segment is filled with zeros ahead of its records, a step at
// a time: a record then overwrites blocks the file already has, and fdatasync has only data to
// write, not the file's new size (a sync of a few KB on its own: 0.2-0.3 ms instead of about 1 ms
// on ext4 here; BENCHMARKS.md). A zero-filled tail reads as the end of the records (record.ts),
// and a closed segment is cut back to its records.
//
// A sync is made on the event loop itself (fdatasyncSync) while syncs are quick, and on the
// thread pool otherwise. Handing a sync to a pool thread and being woken when it returns costs
// the loop more CPU than a quick sync takes (13 µs of the loop per call on this 2-core VM, where a
// sync takes about 0.1 ms), and the hop adds the threads' scheduling delay to every answer that
// waits for it: the spooled HTTP front answers 10-20% more requests with syncs on the loop
// (BENCHMARKS.md). While the loop is blocked on a sync, requests queue in the sockets, so the next
// group commit is larger. When syncs take longer than `loopSyncMs` on average (a slow or stalled
// disk, where one stall of a second pushes the average over at once), they go to the thread pool,
// so that the loop keeps answering /healthz, /metrics and Kafka; they come back to the loop once
// the average has fallen below half of it.

import { fdatasync, fdatasyncSync, ftruncateSync, writeSync, writevSync } from 'node:fs'
import { mkdir, open, readFile, readdir, truncate, unlink, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from '../engine/logger.js'
import { SpoolFullError } from '../errors.js'
import { BatchBuffer } from './batch-buffer.js'
import { RecordKind, encodeDone, scanSegment } from './record.js'

/** Where the spool lives and how large it may grow. */
export interface SpoolOptions {
  readonly dir: string
  /** Bytes of segment files beyond which new messages are refused (done marks are always written). */
  readonly maxBytes: number
  /** A segment is closed and a new one started once it holds this many bytes. */
  readonly segmentBytes: number
  /**
   * Zero-fill the active segment this many bytes ahead of its records (at most `segmentBytes` at
   * a time), so that a sync need not commit a new file size; 0 (the default) grows it by each write.
   */
  readonly preallocateBytes?: number
  readonly logger: Logger
  /** Told how long each fdatasync took, in seconds. */
  readonly onSync?: (seconds: number) => void
  /**
   * Syncs are made on the event loop while they take at most this many milliseconds on average,
   * on the thread pool otherwise (default 2; 0: always on the thread pool).
   */
  readonly loopSyncMs?: number
}

/** A message found unfinished when the spool was opened. */
export interface SpooledMessage {
  readonly id: number
  readonly payload: Buffer
}

interface Segment {
  readonly number: number
  readonly path: string
  /** Bytes of records. */
  bytes: number
  /** Bytes of the file: its records, then zeros written ahead of them. */
  allocated: number
  /** Messages in this segment not yet done. */
  pending: number
}

/**
 * The messages of one group commit, answered together by one promise once their sync returns:
 * a promise per message would be garbage for nothing, as they succeed or fail as one.
 */
interface Batch {
  readonly ids: number[]
  readonly durable: Promise<void>
  readonly resolve: () => void
  readonly reject: (error: unknown) => void
}

function newBatch(): Batch {
  let resolve!: () => void
  let reject!: (error: unknown) => void
  const durable = new Promise<void>((ok, fail) => {
    resolve = ok
    reject = fail
  })
  return { ids: [], durable, resolve, reject }
}

// Syncs under way at once. More than one lets a batch start its sync while the one before still
// runs, which shortens the wait of a request that just missed a sync; the thread pool (4 threads
// by default) must keep room for other file work.
const MAX_SYNCS_IN_FLIGHT = 2
// How long done marks wait for a batch of messages before they are written on their own.
const DONE_DELAY_MS = 20
/** Syncs averaging at most this many milliseconds are made on the event loop, by default. */
export const DEFAULT_LOOP_SYNC_MS = 2
// The weight of the newest sync in the moving average of their durations: about the last 8 count.
const SYNC_AVERAGE_WEIGHT = 1 / 8

const SEGMENT_NAME = /^(\d{20})\.wal$/
const segmentName = (number: number): string => `${String(number).padStart(20, '0')}.wal`

/** The spool of an HTTP (or other) front: accepted messages, on disk until they have left the chain. */
export class Spool {
  readonly dir: string
  readonly #options: SpoolOptions
  readonly #segments: Segment[] = []
  readonly #pending = new Map<number, Segment>()
  #active!: Segment
  #handle: FileHandle | undefined
  #nextId = 1
  #bytes = 0
  readonly #queued = new BatchBuffer()
  #batch: Batch | undefined
  #doneIds: number[] = []
  #writing: Promise<void> | undefined
  #doneTimer: NodeJS.Timeout | undefined
  readonly #syncs = new Set<Promise<void>>()
  #rollNext = false
  #closed = false
  #unfinished: SpooledMessage[] = []
  #zeros: Buffer | undefined
  #replayed = 0
  /** A moving average of the syncs' durations, in milliseconds (see SYNC_AVERAGE_WEIGHT). */
  #syncMs = 0
  readonly #loopSyncMs: number
  #syncsOnPool: boolean
  /** Records lost to a torn or corrupt tail when the spool was opened. */
  lostRecords = 0

  private constructor(options: SpoolOptions) {
    this.dir = options.dir
    this.#options = options
    this.#loopSyncMs = options.loopSyncMs ?? DEFAULT_LOOP_SYNC_MS
    this.#syncsOnPool = this.#loopSyncMs <= 0
  }

  /** Opens (or creates) the spool in `options.dir`, recovering what an earlier run left. */
  static async open(options: SpoolOptions): Promise<Spool> {
    const spool = new Spool(options)
    await spool.#recover()
    return spool
  }

  /** Bytes of segment files on disk. */
  get bytes(): number {
    return this.#bytes
  }

  /** Segment files on disk. */
  get segments(): number {
    return this.#segments.length
  }

  /** Messages on disk not yet done. */
  get pending(): number {
    return this.#pending.size
  }

  /**
   * The messages an earlier run accepted and did not finish, in the order they were accepted;
   * handed out once (the caller replays them and marks each `done`).
   */
  replay(): SpooledMessage[] {
    const unfinished = this.#unfinished
    this.#unfinished = []
    this.#replayed += unfinished.length
    return unfinished
  }

  /** True while syncs are made on the event loop (quick ones), false while on the thread pool. */
  get syncsOnLoop(): boolean {
    return !this.#syncsOnPool
  }

  /** Messages handed out by `replay`. */
  get replayed(): number {
    return this.#replayed
  }

  /**
   * Writes a message (a string as UTF-8); resolves with its id once it is durable, or rejects
   * with SpoolFullError when the spool holds `maxBytes` already.
   */
  append(payload: Uint8Array | string): Promise<number> {
    try {
      const { id, durable } = this.write(payload)
      return durable.then(() => id)
    } catch (error) {
      return Promise.reject(error)
    }
  }

  /**
   * Writes a message (a string as UTF-8): its id at once, and a promise that resolves once it is
   * durable (shared with the messages synced with it). Throws SpoolFullError when the spool holds
   * `maxBytes` already.
   */
  write(payload: Uint8Array | string): { id: number; durable: Promise<void> } {
    if (this.#closed) throw new Error('the spool is closed')
    const id = this.#nextId
    const length = this.#queued.appendMessage(id, payload)
    if (this.#bytes + this.#queued.used > this.#options.maxBytes) {
      this.#queued.dropLast(length)
      throw new SpoolFullError(this.#options.maxBytes)
    }
    this.#nextId++
    const batch = (this.#batch ??= newBatch())
    batch.ids.push(id)
    this.#write()
    return { id, durable: batch.durable }
  }

  /** Marks a message finished (it has left the chain); a message not pending is ignored. */
  done(id: number): void {
    const segment = this.#pending.get(id)
    if (segment === undefined) return
    this.#pending.delete(id)
    segment.pending--
    this.#doneIds.push(id)
    // Marks wait a moment for a batch of messages to ride with: a write of their own for every
    // answer from Kafka would cost a system call each, for nothing a crash could lose.
    if (!this.#closed && this.#doneTimer === undefined) {
      this.#doneTimer = setTimeout(() => {
        this.#doneTimer = undefined
        if (this.#doneIds.length > 0) this.#write()
      }, DONE_DELAY_MS)
    }
  }

  /** Resolves once everything appended or marked done so far is written (messages synced). */
  async flush(): Promise<void> {
    if (this.#doneIds.length > 0) this.#write()
    while (this.#writing !== undefined || this.#syncs.size > 0) {
      await Promise.all([this.#writing, ...this.#syncs])
    }
  }

  /** Writes what is queued and closes the files; a spool whose messages are all done is left empty. */
  async close(): Promise<void> {
    this.#closed = true
    clearTimeout(this.#doneTimer)
    this.#doneTimer = undefined
    await this.flush()
    // Done marks told after the close began, and the last ones, written and synced.
    if (this.#doneIds.length > 0) {
      this.#write()
      await this.flush()
    }
    await this.#closeActive()
    if (this.#pending.size === 0) {
      for (const segment of this.#segments) await unlink(segment.path)
      this.#segments.length = 0
      this.#bytes = 0
    } else await this.#collect()
  }

  /** Starts the write loop unless it runs; it takes whatever has queued since its last write. */
  #write(): void {
    this.#writing ??= this.#writeLoop()
  }

  async #writeLoop(): Promise<void> {
    try {
      // Let the appends of this turn of the event loop join the first batch.
      await new Promise((resolve) => setImmediate(resolve))
      // Looked at again after the await: a caller answered by the last sync may have queued more.
      do await this.#writeQueued()
      while (this.#queued.used > 0 || this.#doneIds.length > 0)
    } finally {
      // In the same step as the last look at the queue: an append made after it starts a new loop.
      this.#writing = undefined
    }
  }

  async #writeQueued(): Promise<void> {
    while (this.#queued.used > 0 || this.#doneIds.length > 0) {
      if (this.#rollNext || this.#active.bytes >= this.#options.segmentBytes) {
        // A segment is closed only once nothing written to it waits for its sync.
        await this.#syncsSettled()
        const messages = this.#batch !== undefined
        if (this.#rollNext || messages || this.#active.pending === 0) {
          try {
            await this.#roll()
          } catch (error) {
            this.#fail(this.#takeBatch().batch, error, `cannot start a new segment`)
            continue
          }
        }
      }
      const { records, bytes, batch } = this.#takeBatch()
      const segment = this.#active
      try {
        const fd = (this.#handle as FileHandle).fd
        this.#preallocate(fd, segment, bytes)
        // To the page cache: microseconds, so not worth a trip through the thread pool; one
        // writev for the batch's messages and its done marks.
        let at = writevSync(fd, records, segment.bytes)
        if (at < bytes) {
          const batch = Buffer.concat(records)
          while (at < bytes) at += writeSync(fd, batch, at, bytes - at, segment.bytes + at)
        }
      } catch (error) {
        this.#fail(batch, error, `writing ${segment.path} failed`)
        continue
      }
      segment.bytes += bytes
      segment.allocated = Math.max(segment.allocated, segment.bytes)
      this.#bytes += bytes
      // Done marks alone are not synced: they survive a killed process in the page cache, and
      // the next append's sync (or close) makes them durable. A power cut before that replays
      // messages already delivered (duplicates), never loses one; a sync per mark would halve
      // the appends' throughput.
      if (batch === undefined && !this.#closed) {
        await this.#collect()
        continue
      }
      if (this.#syncsOnLoopNow()) {
        this.#syncOnLoop(segment, batch)
        await this.#collect()
        continue
      }
      this.#startSync(segment, batch)
      // Group commit: while the syncs in flight are this many, what arrives queues for the next.
      while (this.#syncs.size >= MAX_SYNCS_IN_FLIGHT) await Promise.race(this.#syncs)
    }
  }

  /**
   * Zero-fills the segment past its records when `incoming` bytes would not fit in what is
   * allocated; the sync that follows commits the new size once for the whole step.
   */
  #preallocate(fd: number, segment: Segment, incoming: number): void {
    const step = Math.min(this.#options.preallocateBytes ?? 0, this.#options.segmentBytes)
    if (step <= 0 || segment.bytes + incoming <= segment.allocated) return
    const target = Math.max(segment.allocated + step, segment.bytes + incoming)
    const zeros = (this.#zeros ??= Buffer.alloc(step))
    while (segment.allocated < target) {
      segment.allocated += writeSync(
        fd,
        zeros,
        0,
        Math.min(zeros.length, target - segment.allocated),
        segment.allocated
      )
    }
  }

  /**
   * Takes what is queued: the message records, then one record of done marks, and their size. The
   * message records are the batch buffer's own bytes, so they are written before anything can
   * append again (in the same synchronous step).
   */
  #takeBatch(): { records: Buffer[]; bytes: number; batch: Batch | undefined } {
    const messages = this.#queued.take()
    const records = messages.length > 0 ? [messages] : []
    const batch = this.#batch
    let bytes = messages.length
    if (this.#doneIds.length > 0) {
      const done = encodeDone(this.#doneIds)
      records.push(done)
      bytes += done.length
    }
    this.#batch = undefined
    this.#doneIds = []
    return { records, bytes, batch }
  }

  #syncsOnLoopNow(): boolean {
    // A sync still on the pool must return first: the loop's own would wait behind it in the disk.
    return !this.#syncsOnPool && this.#syncs.size === 0
  }

  /** Syncs on the event loop, blocking it: the loop's cheapest sync while the disk is quick. */
  #syncOnLoop(segment: Segment, batch: Batch | undefined): void {
    const started = process.hrtime.bigint()
    try {
      fdatasyncSync((this.#handle as FileHandle).fd)
    } catch (error) {
      this.#fail(batch, error, `syncing ${segment.path} failed`)
      return
    }
    this.#synced(segment, batch, Number(process.hrtime.bigint() - started) / 1e9)
  }

  /** Moves syncs to the thread pool when they have become slow, and back once they are quick. */
  #timeSync(seconds: number): void {
    this.#syncMs += (seconds * 1000 - this.#syncMs) * SYNC_AVERAGE_WEIGHT
    const limit = this.#loopSyncMs
    if (limit <= 0) return
    if (!this.#syncsOnPool && this.#syncMs > limit) {
      this.#syncsOnPool = true
      this.#options.logger.warn(
        `spool: syncs take ${this.#syncMs.toFixed(1)} ms on average (over ${limit} ms): made on the thread pool until they are quick again, so that the disk does not hold up the event loop`
      )
    } else if (this.#syncsOnPool && this.#syncMs < limit / 2) {
      this.#syncsOnPool = false
      this.#options.logger.info(
        `spool: syncs are quick again (${this.#syncMs.toFixed(2)} ms on average): made on the event loop`
      )
    }
  }

  /** A batch is on disk: its messages are pending until done, and its callers are answered. */
  #synced(segment: Segment, batch: Batch | undefined, seconds: number): void {
    this.#timeSync(seconds)
    this.#options.onSync?.(seconds)
    if (batch === undefined) return
    for (const id of batch.ids) this.#pending.set(id, segment)
    segment.pending += batch.ids.length
    batch.resolve()
  }

  /**
   * fdatasync(2) covers every write made before it, so syncs of later batches may start while an
   * earlier one runs; each batch is answered when its own sync returns.
   */
  #startSync(segment: Segment, batch: Batch | undefined): void {
    const started = process.hrtime.bigint()
    const fd = (this.#handle as FileHandle).fd
    // The callback form: the FileHandle's promise form costs more per call, for nothing here.
    const synced = new Promise<void>((resolve, reject) =>
      fdatasync(fd, (error) => (error === null ? resolve() : reject(error)))
    )
    const sync: Promise<void> = synced.then(
      async () => {
        this.#syncs.delete(sync)
        this.#synced(segment, batch, Number(process.hrtime.bigint() - started) / 1e9)
        await this.#collect()
      },
      (error: unknown) => {
        this.#syncs.delete(sync)
        this.#fail(batch, error, `syncing ${segment.path} failed`)
      }
    )
    this.#syncs.add(sync)
  }

  /** Refuses a batch whose write failed; it may have left part of its bytes, so the next write starts a new segment. */
  #fail(batch: Batch | undefined, error: unknown, what: string): void {
    this.#rollNext = true
    batch?.reject(error)
    this.#options.logger.error(`spool: ${what}: ${(error as Error).message}`)
  }

  async #syncsSettled(): Promise<void> {
    while (this.#syncs.size > 0) await Promise.all(this.#syncs)
  }

  /** Deletes the oldest segments whose messages are all done, up to the first that is not (or the active one). */
  async #collect(): Promise<void> {
    for (;;) {
      const oldest = this.#segments[0]
      if (oldest === undefined || oldest.pending > 0 || (oldest === this.#active && !this.#closed)) return
      this.#segments.shift()
      this.#bytes -= oldest.bytes
      try {
        await unlink(oldest.path)
      } catch (error) {
        this.#options.logger.warn(`spool: cannot delete ${oldest.path}: ${(error as Error).message}`)
      }
    }
  }

  /** Starts a new active segment; the file's name is made durable in the directory before it is used. */
  async #roll(): Promise<void> {
    const number = (this.#segments[this.#segments.length - 1]?.number ?? 0) + 1
    const segment: Segment = {
      number,
      path: join(this.dir, segmentName(number)),
      bytes: 0,
      allocated: 0,
      pending: 0
    }
    const handle = await open(segment.path, 'wx')
    try {
      await syncDirectory(this.dir)
    } catch (error) {
      await handle.close()
      throw error
    }
    await this.#closeActive()
    this.#handle = handle
    this.#rollNext = false
    this.#active = segment
    this.#segments.push(segment)
    await this.#collect()
  }

  /**
   * Closes the active segment's file, cut back to its records: the zeros written ahead of them
   * would otherwise stay on disk. The cut need not be synced; after a crash the zeros read as the end.
   */
  async #closeActive(): Promise<void> {
    const handle = this.#handle
    if (handle === undefined) return
    this.#handle = undefined
    const segment = this.#active
    try {
      if (segment.allocated > segment.bytes) ftruncateSync(handle.fd, segment.bytes)
      segment.allocated = segment.bytes
    } catch (error) {
      this.#options.logger.warn(
        `spool: cannot cut ${segment.path} back to its records: ${(error as Error).message}`
      )
    }
    await handle.close()
  }

  async #recover(): Promise<void> {
    await mkdir(this.dir, { recursive: true })
    const names = (await readdir(this.dir)).filter((name) => SEGMENT_NAME.test(name)).sort()
    const messages: { message: SpooledMessage; segment: Segment }[] = []
    const done = new Set<number>()
    let lastId = 0
    for (const name of names) {
      const path = join(this.dir, name)
      const bytes = await readFile(path)
      const scan = scanSegment(bytes)
      if (scan.validBytes < bytes.length) await truncate(path, scan.validBytes)
      if (scan.lostRecords > 0) {
        this.lostRecords += scan.lostRecords
        this.#options.logger.warn(
          `spool: ${path} has a torn or corrupt tail at byte ${scan.validBytes} of ${bytes.length}: truncated, ${scan.lostRecords} record(s) lost to it`
        )
      }
      const segment: Segment = {
        number: Number(SEGMENT_NAME.exec(name)?.[1]),
        path,
        bytes: scan.validBytes,
        allocated: scan.validBytes,
        pending: 0
      }
      this.#segments.push(segment)
      this.#bytes += segment.bytes
      for (const record of scan.records) {
        if (record.kind === RecordKind.Message) {
          messages.push({ message: { id: record.id, payload: record.payload }, segment })
          lastId = Math.max(lastId, record.id)
        } else {
          for (const id of record.ids) {
            done.add(id)
            lastId = Math.max(lastId, id)
          }
        }
      }
    }
    for (const { message, segment } of messages) {
      if (done.has(message.id)) continue
      segment.pending++
      this.#pending.set(message.id, segment)
      this.#unfinished.push(message)
    }
    // Never reuse an id that a kept done mark names: a new message would read as done.
    this.#nextId = lastId + 1
    await this.#roll()
  }
}

/** fsync(2) on a directory, so that a file created or renamed in it survives a crash. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
