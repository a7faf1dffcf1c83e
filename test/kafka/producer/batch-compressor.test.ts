import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import zlib from 'node:zlib'
import { compressionsAlgorithms } from '@platformatic/kafka'
import { BatchCompressor } from '../../../src/kafka/producer/batch-compressor.js'
import { runCommand } from '../../helpers/process.js'

const hasZstd = typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync === 'function'

// Bodies of a request: a small one (a slice of Node's shared buffer pool, copied to the thread),
// a large compressible one and a large one of random bytes (each a buffer of its own, moved).
function bodies(): Buffer[] {
  const small = Buffer.from('{"temperature":21.5,"deviceName":"device-1"}'.repeat(3))
  const large = Buffer.alloc(300_000)
  for (let i = 0; i < large.length; i += 40) large.write(`{"n":${i},"text":"some text"}`, i)
  return [small, large, randomBytes(70_000)]
}

for (const codec of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
  test(`the compression thread gives ${codec}'s bytes exactly as the client's compressSync does, after the header's room`, async (t) => {
    if (codec === 'zstd' && !hasZstd) return t.skip(`zstd needs Node.js 22.15+ (this is ${process.version})`)
    const input = bodies()
    const expected = input.map((body) => Buffer.from(compressionsAlgorithms[codec].compressSync(body)))
    const compressor = new BatchCompressor()
    const out = await compressor.compress(codec, input, 61)
    assert.equal(out.length, 3)
    out.forEach((batch, i) => {
      assert.equal(batch.length, 61 + (expected[i] as Buffer).length)
      assert.deepEqual(batch.subarray(61), expected[i])
    })
  })
}

test('a codec the thread cannot run fails its request with the reason, and the thread goes on serving', async (t) => {
  if (hasZstd) return t.skip('this Node.js has zstd')
  const compressor = new BatchCompressor()
  await assert.rejects(
    compressor.compress('zstd', [Buffer.from('records')], 61),
    new Error(`compression failed: zstd needs Node.js 22.15 or later (this is ${process.version})`)
  )
  const [batch] = await compressor.compress('gzip', [Buffer.from('records')], 61)
  assert.deepEqual(zlib.gunzipSync((batch as Buffer).subarray(61)).toString(), 'records')
})

test('an idle compression thread does not keep the process alive', async () => {
  const module = new URL('../../../src/kafka/producer/batch-compressor.ts', import.meta.url).href
  const script = `
    const { batchCompressor } = await import(${JSON.stringify(module)})
    const [batch] = await batchCompressor.compress('lz4', [Buffer.from('x'.repeat(5000))], 61)
    console.log(batch.length > 61 ? 'compressed' : 'empty')
  `
  // Were the thread to hold the event loop, the process would not end and the command would be killed.
  const result = await runCommand(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    '',
    30_000
  )
  assert.equal(result.stderr, '')
  assert.deepEqual([result.status, result.stdout], [0, 'compressed\n'])
})
