import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { encodeMessage } from '../../src/spool/record.js'
import { Spool, type SpoolOptions } from '../../src/spool/spool.js'
import { SpoolFullError } from '../../src/errors.js'
import { createStreamLogger } from '../../src/engine/logger.js'

// A message record with a 2-byte payload: frame 8 + kind 1 + id 8 + payload 2.
const RECORD = 19
const SEG1 = '00000000000000000001.wal'
const SEG2 = '00000000000000000002.wal'
const SEG3 = '00000000000000000003.wal'

interface Opened {
  readonly spool: Spool
  readonly logs: string[]
}

async function openSpool(t: TestContext, dir: string, options: Partial<SpoolOptions> = {}): Promise<Opened> {
  const logs: string[] = []
  const spool = await Spool.open({
    dir,
    maxBytes: 1 << 20,
    segmentBytes: 1 << 20,
    logger: createStreamLogger({ level: 'debug', stream: { write: (line: string) => logs.push(line) } }),
    ...options
  })
  t.after(() => spool.flush())
  return { spool, logs }
}

const freshDir = (): string => mkdtempSync(join(tmpdir(), 'krn-spool-'))
const payloads = (spool: Spool): string[] => spool.replay().map((m) => `${m.id}:${m.payload.toString()}`)

test('messages appended and not done are handed back in order by a spool opened again on the same folder', async (t) => {
  const dir = freshDir()
  const { spool } = await openSpool(t, dir)
  assert.deepEqual(await Promise.all(['m1', 'm2', 'm3'].map((p) => spool.append(Buffer.from(p)))), [1, 2, 3])
  spool.done(2)
  await spool.flush()
  assert.equal(spool.pending, 2)
  // No close: the first spool is left as a killed process leaves it.
  const again = (await openSpool(t, dir)).spool
  assert.deepEqual(payloads(again), ['1:m1', '3:m3'])
  assert.equal(again.replayed, 2)
  assert.equal(again.pending, 2)
  assert.deepEqual(readdirSync(dir).sort(), [SEG1, SEG2])
  assert.equal(await again.append(Buffer.from('m4')), 4, 'ids go on after the highest one on disk')
})

test('concurrent appends share one write and one fdatasync (group commit)', async (t) => {
  const syncs: number[] = []
  const { spool } = await openSpool(t, freshDir(), { onSync: (s) => syncs.push(s) })
  const ids = await Promise.all(Array.from({ length: 50 }, (_, i) => spool.append(Buffer.from(`m${i}`))))
  assert.deepEqual(
    ids,
    Array.from({ length: 50 }, (_, i) => i + 1)
  )
  assert.equal(syncs.length, 1)
  // The same on the thread pool.
  const pooled: number[] = []
  const pool = await openSpool(t, freshDir(), { loopSyncMs: 0, onSync: (s) => pooled.push(s) })
  await Promise.all(Array.from({ length: 50 }, (_, i) => pool.spool.append(`m${i}`)))
  assert.equal(pooled.length, 1)
})

test('syncs are made on the event loop while quick, and on the thread pool once they are slower than loopSyncMs on average', async (t) => {
  const quick = await openSpool(t, freshDir())
  assert.deepEqual(await Promise.all(['m1', 'm2'].map((p) => quick.spool.append(p))), [1, 2])
  await quick.spool.append('m3')
  assert.equal(quick.spool.syncsOnLoop, true)
  assert.deepEqual(quick.logs, [])
  // No disk syncs in a microsecond: the first sync makes the average too slow.
  const syncs: number[] = []
  const slow = await openSpool(t, freshDir(), { loopSyncMs: 0.001, onSync: (s) => syncs.push(s) })
  assert.equal(await slow.spool.append('m1'), 1)
  assert.equal(slow.spool.syncsOnLoop, false)
  assert.equal(slow.logs.length, 1)
  assert.match(
    slow.logs[0] as string,
    /^WARN spool: syncs take \d+\.\d ms on average \(over 0\.001 ms\): made on the thread pool until they are quick again, so that the disk does not hold up the event loop\n$/
  )
  // On the pool, concurrent appends still share a sync.
  assert.deepEqual(await Promise.all(['m2', 'm3', 'm4'].map((p) => slow.spool.append(p))), [2, 3, 4])
  assert.equal(syncs.length, 2)
  assert.equal(slow.logs.length, 1, 'told once, not at every slow sync')
  const pool = await openSpool(t, freshDir(), { loopSyncMs: 0 })
  assert.equal(pool.spool.syncsOnLoop, false)
  assert.equal(await pool.spool.append('m1'), 1)
  assert.deepEqual(pool.logs, [])
})

test('a segment that reached segmentBytes is closed; the next write starts the next segment', async (t) => {
  const dir = freshDir()
  const { spool } = await openSpool(t, dir, { segmentBytes: 2 * RECORD })
  for (const p of ['m1', 'm2', 'm3']) await spool.append(Buffer.from(p))
  assert.deepEqual(readdirSync(dir).sort(), [SEG1, SEG2])
  assert.equal(statSync(join(dir, SEG1)).size, 2 * RECORD)
  assert.equal(statSync(join(dir, SEG2)).size, RECORD)
  assert.equal(spool.segments, 2)
  assert.equal(spool.bytes, 3 * RECORD)
})

test('an old segment whose messages are all done is deleted; one with a message pending, and those after it, are kept', async (t) => {
  const dir = freshDir()
  const { spool } = await openSpool(t, dir, { segmentBytes: 2 * RECORD })
  for (const p of ['m1', 'm2', 'm3', 'm4', 'm5']) await spool.append(Buffer.from(p))
  assert.deepEqual(readdirSync(dir).sort(), [SEG1, SEG2, SEG3])
  // Segment 2 is all done but segment 1 is not: kept, as its done record may matter to segment 1.
  spool.done(3)
  spool.done(4)
  await spool.flush()
  assert.deepEqual(readdirSync(dir).sort(), [SEG1, SEG2, SEG3])
  spool.done(1)
  spool.done(2)
  await spool.flush()
  assert.deepEqual(readdirSync(dir), [SEG3])
  // Segment 3: m5, a done record for 3 and 4 (8+1+16), one for 1 and 2.
  assert.equal(spool.bytes, RECORD + 25 + 25)
  assert.equal(spool.segments, 1)
  assert.equal(spool.pending, 1)
  const again = (await openSpool(t, dir)).spool
  assert.deepEqual(payloads(again), ['5:m5'])
})

test('close leaves an empty folder when every message is done, and keeps the segments when one is not', async (t) => {
  const dir = freshDir()
  const { spool } = await openSpool(t, dir)
  await spool.append(Buffer.from('m1'))
  spool.done(1)
  await spool.close()
  assert.deepEqual(readdirSync(dir), [])
  const second = (await openSpool(t, dir)).spool
  assert.equal(await second.append(Buffer.from('m2')), 1)
  await second.close()
  assert.deepEqual(readdirSync(dir), [SEG1])
  assert.deepEqual(payloads((await openSpool(t, dir)).spool), ['1:m2'])
})

test('a torn tail is truncated at open, reported with the count of records lost, and the records before it replayed', async (t) => {
  const dir = freshDir()
  const { spool } = await openSpool(t, dir)
  for (const p of ['m1', 'm2']) await spool.append(Buffer.from(p))
  // A write cut short: half of a third record.
  appendFileSync(join(dir, SEG1), encodeMessage(3, Buffer.from('m3')).subarray(0, 10))
  const { spool: again, logs } = await openSpool(t, dir)
  assert.equal(again.lostRecords, 1)
  assert.equal(statSync(join(dir, SEG1)).size, 2 * RECORD)
  assert.deepEqual(logs, [
    `WARN spool: ${join(dir, SEG1)} has a torn or corrupt tail at byte 38 of 48: truncated, 1 record(s) lost to it\n`
  ])
  assert.deepEqual(payloads(again), ['1:m1', '2:m2'])
})

test('a record with a bad CRC is cut off with everything behind it, each counted as lost', async (t) => {
  const dir = freshDir()
  const { spool } = await openSpool(t, dir)
  for (const p of ['m1', 'm2', 'm3']) await spool.append(Buffer.from(p))
  const path = join(dir, SEG1)
  const bytes = readFileSync(path)
  bytes.writeUInt8(bytes.readUInt8(RECORD + 18) ^ 0xff, RECORD + 18) // the last payload byte of m2
  writeFileSync(path, bytes)
  const again = (await openSpool(t, dir)).spool
  assert.equal(again.lostRecords, 2)
  assert.equal(statSync(path).size, RECORD)
  assert.deepEqual(payloads(again), ['1:m1'])
})

test('a full spool refuses a message with SpoolFullError and takes messages again once done ones are deleted', async (t) => {
  const dir = freshDir()
  const { spool } = await openSpool(t, dir, { maxBytes: 4 * RECORD, segmentBytes: 2 * RECORD })
  for (const p of ['m1', 'm2', 'm3', 'm4']) await spool.append(Buffer.from(p))
  await assert.rejects(spool.append(Buffer.from('m5')), (error: unknown) => {
    assert.ok(error instanceof SpoolFullError)
    assert.equal(error.message, 'the spool is full (76 bytes of messages not yet delivered)')
    return true
  })
  for (const id of [1, 2, 3, 4]) spool.done(id)
  await spool.flush()
  // Both full segments, all done, are deleted; the done record (8 + 1 + 4 x 8) starts segment 3.
  assert.deepEqual(readdirSync(dir), [SEG3])
  assert.equal(spool.bytes, 41)
  assert.equal(await spool.append(Buffer.from('m5')), 5)
})

test('with preallocateBytes the segment is zero-filled ahead in steps, cut back to its records when closed, and a killed spool reopens without loss', async (t) => {
  const dir = freshDir()
  const { spool } = await openSpool(t, dir, { preallocateBytes: 4096, segmentBytes: 65536 })
  for (const p of ['m1', 'm2']) await spool.append(Buffer.from(p))
  assert.equal(statSync(join(dir, SEG1)).size, 4096)
  assert.deepEqual(readFileSync(join(dir, SEG1)).subarray(2 * RECORD), Buffer.alloc(4096 - 2 * RECORD))
  // Past the zeros: one more step, and what the spool counts is its records.
  await spool.append(Buffer.alloc(5000, 1))
  assert.equal(statSync(join(dir, SEG1)).size, 8192)
  assert.equal(spool.bytes, 2 * RECORD + 17 + 5000)
  await spool.append(Buffer.from('m4'))
  assert.equal(statSync(join(dir, SEG1)).size, 8192)
  // A batch larger than a step: the file grows to hold it.
  await spool.append(Buffer.alloc(9000, 2))
  assert.equal(statSync(join(dir, SEG1)).size, 3 * RECORD + 2 * 17 + 14000)
  await spool.append(Buffer.from('m6'))
  assert.equal(statSync(join(dir, SEG1)).size, 3 * RECORD + 2 * 17 + 14000 + 4096)
  // Killed here (no close): the zeros read as the end of the records, nothing is counted lost.
  const { spool: again, logs } = await openSpool(t, dir, { preallocateBytes: 4096, segmentBytes: 65536 })
  assert.equal(again.lostRecords, 0)
  assert.deepEqual(logs, [])
  assert.deepEqual(
    again.replay().map((m) => m.id),
    [1, 2, 3, 4, 5, 6]
  )
  assert.equal(statSync(join(dir, SEG1)).size, 4 * RECORD + 2 * 17 + 14000, 'the zeros are cut at open')
  assert.equal(await again.append(Buffer.from('m7')), 7)
  assert.equal(statSync(join(dir, SEG2)).size, 4096)
  await again.close()
  assert.equal(statSync(join(dir, SEG2)).size, RECORD, 'closed: cut back to its records')
})
