// ThingsBoard's TbNodeUtils.processPattern, compiled once per pattern.
//
// ThingsBoard works by text replacement in two passes: first each metadata entry's `${key}` is
// replaced, entry by entry; then each `$[path]` found (regex `\$\[(.*?)]`) in that result is
// replaced, walking the body when it is a JSON object. The first pass is compiled here into
// segments and done in one go; that equals the entry-by-entry replacement unless a substituted
// value could itself form a `${...}` (it holds `$` or `{`), and then the literal algorithm runs.
// The second pass runs ThingsBoard's own loop on the first pass's result, so it is exact by
// construction; it costs nothing when the result holds no `$[`.

import type { TbMsg, Metadata } from './message.js'
import { scalarText, writeJson, type JsonNode } from './jackson-json.js'

type Segment =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'metadata'; readonly key: string; readonly token: string }

const METADATA_TOKEN = /\$\{([^}]*)\}/g
const DATA_TOKEN = /\$\[(.*?)\]/g

/** Java's `String.split("\\.")`: trailing empty parts are dropped. */
function splitPath(group: string): string[] {
  if (group === '') return ['']
  const parts = group.split('.')
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop()
  return parts
}

/**
 * Java's `String.replace(target, value)`: every occurrence, and `value` taken as written. A string
 * replacement in JavaScript would read `$$`, `$&`, `` $` `` and `$'` in it as references.
 */
function replaceLiteral(text: string, target: string, value: string): string {
  return text.replaceAll(target, () => value)
}

/** The text of the scalar at `path` in the body, as Jackson's `asText()` gives it; undefined if none. */
function dataValue(body: JsonNode, path: readonly string[]): string | undefined {
  let node: JsonNode | undefined = body
  for (const key of path) {
    if (key === '' || node.kind !== 'object') return undefined
    node = node.fields.get(key)
    if (node === undefined) return undefined
  }
  return scalarText(node)
}

/**
 * Replaces every `$[path]` of `text` from the message body: ThingsBoard's second pass, on the
 * body as its Jackson reads it (numbers as Java prints them, `$[*]` re-written compactly).
 */
function resolveData(text: string, msg: TbMsg): string {
  if (!text.includes('$[')) return text
  const body = msg.tree()
  if (body === undefined) return text
  let result = text
  for (const match of text.matchAll(DATA_TOKEN)) {
    const group = match[1] ?? ''
    let value: string | undefined
    if (group === '*') value = writeJson(body)
    else if (body.kind === 'object') value = dataValue(body, splitPath(group))
    if (value !== undefined) result = replaceLiteral(result, match[0], value)
  }
  return result
}

/** ThingsBoard's first pass literally: each metadata entry replaced in turn, then `${*}`. */
function resolveMetadataByReplacement(pattern: string, metadata: Metadata): string {
  let result = pattern
  for (const key in metadata) result = replaceLiteral(result, '${' + key + '}', metadata[key] ?? '')
  return replaceLiteral(result, '${*}', JSON.stringify(metadata))
}

/** A pattern compiled once from its text; `resolve` gives ThingsBoard's result for a message. */
export class Pattern {
  readonly source: string
  readonly #segments: readonly Segment[]
  readonly #literalOnly: boolean

  constructor(source: string) {
    this.source = source
    const segments: Segment[] = []
    let last = 0
    for (const match of source.matchAll(METADATA_TOKEN)) {
      const [token, key = ''] = match
      if (match.index > last) segments.push({ kind: 'text', text: source.slice(last, match.index) })
      segments.push({ kind: 'metadata', key, token })
      last = match.index + token.length
    }
    if (last < source.length) segments.push({ kind: 'text', text: source.slice(last) })
    this.#segments = segments
    // Keys holding `$` or `{`, or text that forms a new `${` once placeholders are taken out,
    // depend on the order of replacement: those patterns always take the literal route.
    this.#literalOnly =
      segments.some((s) => s.kind === 'metadata' && (s.key.includes('$') || s.key.includes('{'))) ||
      source.replace(METADATA_TOKEN, '').includes('${')
  }

  /** True when the pattern has no placeholders: it resolves to its own text. */
  get isStatic(): boolean {
    return !this.source.includes('${') && !this.source.includes('$[')
  }

  /** The pattern with placeholders replaced from this message's metadata and data. */
  resolve(msg: TbMsg): string {
    return resolveData(this.#resolveMetadata(msg.metadata), msg)
  }

  #resolveMetadata(metadata: Metadata): string {
    if (this.#literalOnly) return resolveMetadataByReplacement(this.source, metadata)
    let out = ''
    for (const segment of this.#segments) {
      if (segment.kind === 'text') {
        out += segment.text
        continue
      }
      const value =
        segment.key === '*' && !Object.hasOwn(metadata, '*')
          ? JSON.stringify(metadata)
          : Object.hasOwn(metadata, segment.key)
            ? metadata[segment.key]
            : undefined
      if (value === undefined) out += segment.token
      else if (value.includes('$') || value.includes('{'))
        return resolveMetadataByReplacement(this.source, metadata)
      else out += value
    }
    return out
  }
}

const cache = new Map<string, Pattern>()

/** Compiles a pattern, reusing an earlier compilation of the same text. */
export function compilePattern(source: string): Pattern {
  let pattern = cache.get(source)
  if (pattern === undefined) {
    pattern = new Pattern(source)
    if (cache.size < 10_000) cache.set(source, pattern)
  }
  return pattern
}
