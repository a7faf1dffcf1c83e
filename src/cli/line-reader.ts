import type { Readable } from 'node:stream'

/** One line of input, or why it could not be read. */
export type InputLine =
  { readonly number: number; readonly text: string } | { readonly number: number; readonly error: string }

const NEWLINE = 0x0a
const CR = 0x0d

/**
 * Splits a byte stream into numbered lines, yielded in batches (one per chunk) so that the caller's
 * loop pays one await per chunk, not per line. A line longer than `maxLineBytes` is skipped up to
 * its newline and reported as an error, without ever being held whole in memory.
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
        else batch.push({ number, text: line.toString('utf8') })
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
    else yield [{ number, text: Buffer.concat(partial).toString('utf8').replace(/\r$/, '') }]
  }
}
