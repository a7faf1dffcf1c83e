import type { Readable } from 'node:stream'

/** One line of input, or why it could not be read. */
export type InputLine =
  { readonly number: number; readonly text: string } | { readonly number: number; readonly error: string }

const NEWLINE = 0x0a
const CR = 0x0d

// One decode per line that also validates: `fatal` throws on bytes that are not UTF-8 (where
// Buffer#toString would silently put U+FFFD), at the same speed. `ignoreBOM` keeps a U+FEFF
// inside the input as content: only the one at the very start of input is dropped, below.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const NOT_UTF8 = 'line is not valid UTF-8; skipped'

function hasBom(line: Buffer): boolean {
  return line.length >= 3 && line[0] === 0xef && line[1] === 0xbb && line[2] === 0xbf
}

function decode(number: number, line: Buffer): InputLine {
  // Editors on Windows start a UTF-8 file with a byte order mark; JSON.parse would call it an
  // unexpected token that nobody can see.
  const bytes = number === 1 && hasBom(line) ? line.subarray(3) : line
  try {
    return { number, text: utf8.decode(bytes) }
  } catch {
    return { number, error: NOT_UTF8 }
  }
}

/**
 * Splits a byte stream into numbered lines, yielded in batches (one per chunk) so that the caller's
 * loop pays one await per chunk, not per line. A line longer than `maxLineBytes` is skipped up to
 * its newline and reported as an error, without ever being held whole in memory; so is a line that
 * is not valid UTF-8. A UTF-8 byte order mark at the start of input is dropped.
 */
export async function* readLines(input: Readable, maxLineBytes: number): AsyncGenerator<InputLine[]> {
  let partial: Buffer[] = []
  let partialBytes = 0
  let skipping = false
  let number = 0

  const tooLong = (): InputLine => ({
    number,
    error: `line is longer than ${maxLineBytes} bytes (the limit; see --max-line-bytes); skipped`
  })

  for await (const chunk of input as AsyncIterable<Buffer>) {
    const batch: InputLine[] = []
    let start = 0
    while (start <= chunk.length) {
      const end = chunk.indexOf(NEWLINE, start)
      if (end === -1) {
        const rest = chunk.length - start
        if (!skipping && rest > 0) {
          if (partialBytes + rest > maxLineBytes) {
            skipping = true
            partial = []
            partialBytes = 0
          } else {
            partial.push(chunk.subarray(start, chunk.length))
            partialBytes += rest
          }
        }
        break
      }
      number++
      if (skipping) {
        batch.push(tooLong())
        skipping = false
      } else {
        let line =
          partialBytes === 0
            ? chunk.subarray(start, end)
            : Buffer.concat([...partial, chunk.subarray(start, end)])
        if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, line.length - 1)
        if (line.length > maxLineBytes) batch.push(tooLong())
        else batch.push(decode(number, line))
      }
      partial = []
      partialBytes = 0
      start = end + 1
    }
    if (batch.length > 0) yield batch
  }
  if (skipping || partialBytes > 0) {
    number++
    if (skipping) yield [tooLong()]
    else {
      let line = Buffer.concat(partial)
      if (line[line.length - 1] === CR) line = line.subarray(0, line.length - 1)
      yield [decode(number, line)]
    }
  }
}
