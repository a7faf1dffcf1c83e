// Reads a Java .properties file (java.util.Properties.load), the form Kafka's own tools take their
// client settings in (`--consumer.config`, `--command-config`): `key=value`, `key: value` or
// `key value`; `#` and `!` start a comment line; a line ending in an odd number of backslashes
// goes on on the next one (its leading white space dropped); `\t`, `\n`, `\r`, `\f`, `\uXXXX`
// escapes, and a backslash before any other character stands for that character.

/** One entry: its key, its value and the line its key is on (1-based). */
export interface JavaProperty {
  readonly key: string
  readonly value: string
  readonly line: number
}

const WHITE = new Set([' ', '\t', '\f'])
const ESCAPES: Readonly<Record<string, string>> = { t: '\t', n: '\n', r: '\r', f: '\f' }

/** The entries of `text` in file order; a later entry for the same key overrides an earlier one, as in Java. */
export function parseJavaProperties(text: string): JavaProperty[] {
  const lines = text.split(/\r\n|\r|\n/)
  const entries: JavaProperty[] = []
  for (let i = 0; i < lines.length; i++) {
    const first = i + 1
    let logical = trimStart(lines[i] as string)
    if (logical === '' || logical.startsWith('#') || logical.startsWith('!')) continue
    while (endsInContinuation(logical) && i + 1 < lines.length) {
      logical = logical.slice(0, -1) + trimStart(lines[++i] as string)
    }
    if (endsInContinuation(logical)) logical = logical.slice(0, -1)
    entries.push({ ...splitEntry(logical), line: first })
  }
  return entries
}

function trimStart(line: string): string {
  let at = 0
  while (at < line.length && WHITE.has(line[at] as string)) at++
  return line.slice(at)
}

function endsInContinuation(line: string): boolean {
  let backslashes = 0
  for (let at = line.length - 1; at >= 0 && line[at] === '\\'; at--) backslashes++
  return backslashes % 2 === 1
}

// The key ends at the first unescaped '=', ':' or white space; white space and one '=' or ':'
// separate it from the value.
function splitEntry(line: string): { key: string; value: string } {
  let at = 0
  while (at < line.length) {
    const c = line[at] as string
    if (c === '\\') at += 2
    else if (c === '=' || c === ':' || WHITE.has(c)) break
    else at++
  }
  const key = unescape(line.slice(0, Math.min(at, line.length)))
  let rest = trimStart(line.slice(at))
  if (rest.startsWith('=') || rest.startsWith(':')) rest = trimStart(rest.slice(1))
  return { key, value: unescape(rest) }
}

function unescape(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|[\s\S])/g, (_, escaped: string) =>
    escaped.length === 5 ? String.fromCharCode(parseInt(escaped.slice(1), 16)) : (ESCAPES[escaped] ?? escaped)
  )
}
