// Reads JSON text that JSON.parse has already accepted, without building values, so that a
// value keeps the text it was written with (the input reader keeps a `data` value's text so).

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09
}

function skipSpace(text: string, pos: number): number {
  while (pos < text.length && isSpace(text.charCodeAt(pos))) pos++
  return pos
}

/**
 * Returns the index just past the string that starts (with its quote) at `pos`. Jumps from quote
 * to quote (a quote is escaped when an odd number of backslashes precede it): a message's data
 * is mostly string content, and indexOf runs through it far faster than a loop over characters.
 */
function skipString(text: string, pos: number): number {
  let from = pos + 1
  for (;;) {
    const quote = text.indexOf('"', from)
    if (quote === -1) return text.length
    let backslashes = 0
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++
    if ((backslashes & 1) === 0) return quote + 1
    from = quote + 1
  }
}

/** Returns the index just past the value that starts at `pos`. */
function skipValue(text: string, pos: number): number {
  const first = text.charCodeAt(pos)
  if (first === QUOTE) return skipString(text, pos)
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0
    while (pos < text.length) {
      const code = text.charCodeAt(pos)
      if (code === QUOTE) {
        pos = skipString(text, pos)
        continue
      }
      if (code === OPEN_BRACE || code === OPEN_BRACKET) depth++
      else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
        depth--
        if (depth === 0) return pos + 1
      }
      pos++
    }
    return pos
  }
  // number, true, false, null: runs until a delimiter
  while (pos < text.length) {
    const code = text.charCodeAt(pos)
    if (code === 0x2c || code === CLOSE_BRACE || code === CLOSE_BRACKET || isSpace(code)) break
    pos++
  }
  return pos
}

/** Whether the key whose string spans [start, end) (quotes included) is `key`, without copying it. */
function isKey(text: string, start: number, end: number, key: string): boolean {
  const length = end - start - 2
  if (length === key.length) return text.startsWith(key, start + 1)
  if (length < key.length) return false
  // Only escapes make the written key longer than the one it stands for.
  for (let i = start + 1; i < end - 1; i++) {
    if (text.charCodeAt(i) === BACKSLASH) return JSON.parse(text.slice(start, end)) === key
  }
  return false
}

/** The [start, end) span of member `key` of the object starting at `pos`; the last one wins, as in JSON.parse. */
function memberSpan(text: string, pos: number, key: string): [number, number] | undefined {
  pos = skipSpace(text, pos)
  if (text.charCodeAt(pos) !== OPEN_BRACE) return undefined
  pos = skipSpace(text, pos + 1)
  let found: [number, number] | undefined
  while (pos < text.length && text.charCodeAt(pos) === QUOTE) {
    const keyEnd = skipString(text, pos)
    const valueStart = skipSpace(text, skipSpace(text, keyEnd) + 1)
    const valueEnd = skipValue(text, valueStart)
    if (isKey(text, pos, keyEnd, key)) found = [valueStart, valueEnd]
    pos = skipSpace(text, valueEnd)
    if (text.charCodeAt(pos) === 0x2c) pos = skipSpace(text, pos + 1)
  }
  return found
}

/** The JSON text of the value at `path` (object keys only), or undefined when a key is missing. */
export function rawValueAt(text: string, path: readonly string[]): string | undefined {
  let span: [number, number] = [0, text.length]
  for (const key of path) {
    const next = memberSpan(text, span[0], key)
    if (next === undefined) return undefined
    span = next
  }
  return text.slice(skipSpace(text, span[0]), span[1]).trimEnd()
}
