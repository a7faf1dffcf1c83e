// The body of the producer's compression thread (batch-compressor.ts starts it): it compresses the
// records of a produce request's batches with the codecs the client library uses on the main
// thread (zlib's gzip and zstd, @platformatic/wasm-utils' snappy and lz4), so that the bytes are
// the ones `compressSync` gives, and hands each back with room in front for the batch header.

import { parentPort } from 'node:worker_threads'
import zlib from 'node:zlib'
import { lz4Compress, snappyCompress } from '@platformatic/wasm-utils'

/** A request to the thread: the records of each batch, to compress with `codec`. */
export interface CompressionJob {
  readonly id: number
  readonly codec: 'gzip' | 'snappy' | 'lz4' | 'zstd'
  /** Bytes to leave free in front of each result. */
  readonly headroom: number
  readonly bodies: readonly Uint8Array[]
}

/** The thread's answer: each batch's compressed records after `headroom` bytes, or why not. */
export type CompressionAnswer =
  | { readonly id: number; readonly batches: readonly Uint8Array[] }
  | { readonly id: number; readonly error: string }

const zstdCompressSync = (zlib as { zstdCompressSync?: (data: Uint8Array) => Buffer }).zstdCompressSync

function compress(codec: CompressionJob['codec'], body: Uint8Array): Uint8Array {
  const input = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  if (codec === 'gzip') return zlib.gzipSync(input)
  if (codec === 'snappy') return snappyCompress(input)
  if (codec === 'lz4') return lz4Compress(input)
  if (zstdCompressSync === undefined)
    throw new Error(`zstd needs Node.js 22.15 or later (this is ${process.version})`)
  return zstdCompressSync(input)
}

const port = parentPort
if (port === null) throw new Error('compression-worker.ts runs as a worker thread only')
port.on('message', (job: CompressionJob) => {
  try {
    const batches = job.bodies.map((body) => {
      const compressed = compress(job.codec, body)
      // A buffer of its own, so that it moves to the main thread without a copy.
      const batch = Buffer.allocUnsafeSlow(job.headroom + compressed.byteLength)
      batch.set(compressed, job.headroom)
      return batch
    })
    const answer: CompressionAnswer = { id: job.id, batches }
    port.postMessage(
      answer,
      batches.map((batch) => batch.buffer)
    )
  } catch (error) {
    const answer: CompressionAnswer = {
      id: job.id,
      error: error instanceof Error ? error.message : String(error)
    }
    port.postMessage(answer)
  }
})
