import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { readLines, type InputLine } from '../../src/cli/line-reader.js'

async function lines(chunks: (string | number[])[], maxLineBytes = 1000): Promise<InputLine[]> {
  const input = Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : Buffer.from(c))))
  const out: InputLine[] = []
  for await (const batch of readLines(input, maxLineBytes)) out.push(...batch)
  return out
}

const BOM = [0xef, 0xbb, 0xbf]

test('a UTF-8 byte order mark at the start of input is dropped, also when split across chunks', async () => {
  assert.deepEqual(await lines([[...BOM, ...Buffer.from('{"a":1}\r\n{"b":2}\n')]]), [
    { number: 1, text: '{"a":1}' },
    { number: 2, text: '{"b":2}' }
  ])
  assert.deepEqual(await lines([[0xef], [0xbb], [0xbf, ...Buffer.from('x\n')]]), [{ number: 1, text: 'x' }])
  assert.deepEqual(await lines([[...BOM, ...Buffer.from('last')]]), [{ number: 1, text: 'last' }])
})

test('a byte order mark after the start of input is content, kept as U+FEFF', async () => {
  assert.deepEqual(await lines([[...Buffer.from('a\n'), ...BOM, ...Buffer.from('b\n')]]), [
    { number: 1, text: 'a' },
    { number: 2, text: '\uFEFFb' }
  ])
})

test('a line that is not valid UTF-8 is an error of that line; the lines around it are read', async () => {
  const bad = 'line is not valid UTF-8; skipped'
  assert.deepEqual(
    await lines([
      'ok\n',
      [0xff, 0xfe, 0x7b, 0x0a],
      // é split between chunks is valid; a lone continuation byte or a truncated sequence is not.
      [0x22, 0xc3],
      [0xa9, 0x22, 0x0a, 0x80, 0x0a, 0x61, 0xe2, 0x82, 0x0a],
      // U+FFFD written as its own bytes is valid text, not a decoding failure.
      [0xef, 0xbf, 0xbd, 0x0a, 0xed, 0xa0, 0x80]
    ]),
    [
      { number: 1, text: 'ok' },
      { number: 2, error: bad },
      { number: 3, text: '"é"' },
      { number: 4, error: bad },
      { number: 5, error: bad },
      { number: 6, text: '\uFFFD' },
      // An encoded surrogate (CESU-8) is not UTF-8 either, also on a last line without newline.
      { number: 7, error: bad }
    ]
  )
})
