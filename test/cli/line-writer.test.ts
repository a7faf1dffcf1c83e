import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { LineWriter } from '../../src/cli/line-writer.js'

/** A stream with a tiny buffer whose writes complete when `complete` says. */
function smallStream(complete: (done: () => void) => void): { out: Writable; written: string[] } {
  const written: string[] = []
  const out = new Writable({
    highWaterMark: 16,
    decodeStrings: false,
    write(chunk: string, _encoding, callback) {
      written.push(chunk)
      complete(() => callback())
    }
  })
  return { out, written }
}

test('a stream that drained before anyone waited for it is not backlogged', async () => {
  const completions: (() => void)[] = []
  const { out, written } = smallStream((done) => completions.push(done))
  const writer = new LineWriter(out)
  writer.write('x'.repeat(40))
  writer.write('y')
  writer.flush()
  assert.equal(writer.backlogged, true)
  // stdout's write completes, and its 'drain' is emitted, while the producer is busy elsewhere
  // (waiting for a node's backpressure): waiting for another 'drain' afterwards would wait for ever.
  completions.shift()?.()
  await new Promise((resolve) => setImmediate(resolve))
  assert.equal(writer.backlogged, false)
  await writer.drained()
  assert.deepEqual(written, [`${'x'.repeat(40)}\ny\n`])
})

test('a backlogged stream holds the producer until it has drained', async () => {
  const completions: (() => void)[] = []
  const { out, written } = smallStream((done) => completions.push(done))
  const writer = new LineWriter(out)
  writer.write('a'.repeat(20))
  writer.flush()
  assert.equal(writer.backlogged, true)
  let drained = false
  const waiting = writer.drained().then(() => (drained = true))
  await new Promise((resolve) => setImmediate(resolve))
  assert.equal(drained, false)
  completions.shift()?.()
  await waiting
  assert.equal(writer.backlogged, false)
  assert.deepEqual(written, [`${'a'.repeat(20)}\n`])
})

test('lines written in one turn of the event loop go out in one write', async () => {
  const { out, written } = smallStream((done) => done())
  const writer = new LineWriter(out)
  writer.write('{"n":1}')
  writer.write('{"n":2}')
  writer.write('{"n":3}')
  assert.deepEqual(written, [])
  await new Promise((resolve) => setImmediate(resolve))
  assert.deepEqual(written, ['{"n":1}\n{"n":2}\n{"n":3}\n'])
  await writer.end()
})
