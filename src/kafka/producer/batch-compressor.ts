// Compression off the event loop. Compressing a batch synchronously stops everything else the
// process does (taking messages in, reading the brokers' answers) for as long as the codec runs:
// about 2 ms for a MiB of records with gzip here, and a request may carry a MiB. One worker
// thread per process, shared by every producer, compresses the batches of a produce request in
// one hand-off (one message each way, the bytes moved, not copied), on the other core where there
// is one; the event loop only encodes the records before and writes the batch header after.

import { Worker } from 'node:worker_threads'
import type { CompressionAnswer, CompressionJob } from './compression-worker.js'

type Codec = CompressionJob['codec']

interface Waiting {
  readonly resolve: (batches: Buffer[]) => void
  readonly reject: (error: Error) => void
}

// The thread needs none of the process's command-line flags, and some would stop it (e.g.
// --input-type, which only a main script takes). Under tsx (tests, the bench, `npm start`) this
// module is TypeScript: the thread registers tsx's loader before it loads its file.
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./compression-worker.js', import.meta.url), { execArgv: [] })
  const entry = JSON.stringify(new URL('./compression-worker.ts', import.meta.url).href)
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'))
  return new Worker(`import(${tsx}).then((tsx) => tsx.register()).then(() => import(${entry}))`, {
    eval: true,
    execArgv: []
  })
}

// A buffer that is the whole of its memory moves to the thread as it is; a slice of Node's shared
// pool (small buffers) is copied, since moving it would take the pool's other slices with it.
function movable(body: Buffer): Uint8Array {
  return body.byteOffset === 0 && body.byteLength === body.buffer.byteLength ? body : new Uint8Array(body)
}

/** The compression thread: started on first use, kept while the process lives, never holding it open when idle. */
export class BatchCompressor {
  #worker: Worker | undefined
  readonly #waiting = new Map<number, Waiting>()
  #nextId = 0

  /** Starts the thread now (it takes a few ms), so that the first batch does not wait for it. */
  start(): void {
    try {
      this.#thread()
    } catch {
      // Not startable now: the first batch to compress tries again and fails with the reason.
    }
  }

  /**
   * Compresses the records of each batch (`bodies` are handed over: the caller does not use them
   * again); each result has `headroom` free bytes in front, then the compressed records.
   */
  compress(codec: Codec, bodies: readonly Buffer[], headroom: number): Promise<Buffer[]> {
    let worker: Worker
    try {
      worker = this.#thread()
    } catch (error) {
      return Promise.reject(new Error(`the compression thread did not start: ${String(error)}`))
    }
    const id = this.#nextId++
    const moved = bodies.map(movable)
    const job: CompressionJob = { id, codec, headroom, bodies: moved }
    return new Promise<Buffer[]>((resolve, reject) => {
      if (this.#waiting.size === 0) worker.ref()
      this.#waiting.set(id, { resolve, reject })
      worker.postMessage(
        job,
        moved.map((body) => body.buffer as ArrayBuffer)
      )
    })
  }

  #thread(): Worker {
    if (this.#worker !== undefined) return this.#worker
    const worker = startWorker()
    worker.unref()
    worker.on('message', (answer: CompressionAnswer) => this.#answered(answer))
    worker.on('error', (error: Error) =>
      this.#lost(worker, `the compression thread failed: ${error.message}`)
    )
    worker.on('exit', (code) => this.#lost(worker, `the compression thread exited (${code})`))
    this.#worker = worker
    return worker
  }

  #answered(answer: CompressionAnswer): void {
    const waiting = this.#waiting.get(answer.id)
    if (waiting === undefined) return
    this.#waiting.delete(answer.id)
    if (this.#waiting.size === 0) this.#worker?.unref()
    if ('error' in answer) waiting.reject(new Error(`compression failed: ${answer.error}`))
    else waiting.resolve(answer.batches.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength)))
  }

  // Whatever was waiting fails (its batches fail or are retried as any failed send); the next
  // batch starts a new thread.
  #lost(worker: Worker, reason: string): void {
    if (this.#worker !== worker) return
    this.#worker = undefined
    const error = new Error(reason)
    for (const waiting of this.#waiting.values()) waiting.reject(error)
    this.#waiting.clear()
  }
}

/** The process's compression thread, shared by every producer. */
export const batchCompressor = new BatchCompressor()
