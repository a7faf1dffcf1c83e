// ThingsBoard's TbNodeUtils.processPattern, compiled once per pattern.
//
// ThingsBoard substitutes by plain text replacement: first every metadata entry `${key}`, then
// every `$[path]` (regex `\$\[(.*?)]`) in what resulted, walking the body when it is a JSON
// object. The compiled form gives the same result in one pass; the rare inputs where text put in
// by one substitution could feed the next (a value holding `${`, `$[` or `]`, or a placeholder
// nested in another) take the literal replacement route instead, so results stay identical.

import type { TbMsg, Metadata } from './message.js'
import { compactJson, rawValueAt } from './json-text.js'

type Segment =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'metadata'; readonly key: string; readonly token: string }
  | { readonly kind: 'allMetadata'; readonly token: string }
  | { readonly kind: 'data'; readonly path: readonly string[]; readonly token: string }
  | { readonly kind: 'allData'; readonly token: string }

const TOKEN = /\$\{([^}]*)\}|\$\[(.*?)\]/g
const DATA_TOKEN = /\$\[(.*?)\]/g

/** Java's `String.split("\\.")`: trailing empty parts are dropped. */
function splitPath(group: string): string[] {
  if (group === '') return ['']
  const parts = group.split('.')
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop()
  return parts
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The text of the scalar at `path` in the body, as Jackson's `asText()` gives it; undefined if none. */
function dataValue(msg: TbMsg, body: Record<string, unknown>, path: readonly string[]): string | undefined {
  let node: unknown = body
  for (const key of path) {
    if (key === '' || !isJsonObject(node) || !Object.hasOwn(node, key)) return undefined
    node = node[key]
  }
  switch (typeof node) {
    case 'string':
      return node
    case 'boolean':
      return node ? 'true' : 'false'
    case 'number':
      return rawValueAt(msg.data, path)
    default:
      return node === null ? 'null' : undefined
  }
}

function metadataValue(metadata: Metadata, key: string): string | undefined {
  return Object.hasOwn(metadata, key) ? metadata[key] : undefined
}

/** True when text put in by a substitution could be read as a placeholder by ThingsBoard's next step. */
function couldFeedBack(value: string): boolean {
  return value.includes('$') || value.includes(']')
}

/** A pattern compiled once from its text; `resolve` gives ThingsBoard's result for a message. */
export class Pattern {
  readonly source: string
  readonly #segments: readonly Segment[]
  readonly #literalOnly: boolean
  readonly #readsData: boolean

  constructor(source: string) {
    this.source = source
    const segments: Segment[] = []
    let literalOnly = false
    let last = 0
    for (const match of source.matchAll(TOKEN)) {
      const [token, metaKey, dataGroup] = match
      if (match.index > last) segments.push({ kind: 'text', text: source.slice(last, match.index) })
      last = match.index + token.length
      if (metaKey !== undefined) {
        if (metaKey.includes('$')) literalOnly = true
        segments.push(
          metaKey === '*' ? { kind: 'allMetadata', token } : { kind: 'metadata', key: metaKey, token }
        )
      } else if (dataGroup !== undefined) {
        if (dataGroup.includes('${')) literalOnly = true
        segments.push(
          dataGroup === '*' ? { kind: 'allData', token } : { kind: 'data', path: splitPath(dataGroup), token }
        )
      }
    }
    if (last < source.length) segments.push({ kind: 'text', text: source.slice(last) })
    this.#segments = segments
    this.#literalOnly = literalOnly
    this.#readsData = segments.some((s) => s.kind === 'data' || s.kind === 'allData')
  }

  /** True when the pattern has no placeholders: it resolves to its own text. */
  get isStatic(): boolean {
    return this.#segments.every((s) => s.kind === 'text')
  }

  /** The pattern with placeholders replaced from this message's metadata and data. */
  resolve(msg: TbMsg): string {
    if (this.#literalOnly) return resolveByReplacement(this.source, msg)
    const body = this.#readsData ? msg.body() : undefined
    let out = ''
    for (const segment of this.#segments) {
      switch (segment.kind) {
        case 'text':
          out += segment.text
          break
        case 'metadata': {
          const value = metadataValue(msg.metadata, segment.key)
          if (value === undefined) out += segment.token
          else if (couldFeedBack(value)) return resolveByReplacement(this.source, msg)
          else out += value
          break
        }
        case 'allMetadata':
          out += metadataValue(msg.metadata, '*') ?? JSON.stringify(msg.metadata)
          break
        case 'data': {
          const value = isJsonObject(body) ? dataValue(msg, body, segment.path) : undefined
          out += value ?? segment.token
          break
        }
        case 'allData':
          out += body === undefined ? segment.token : compactJson(msg.data)
          break
      }
    }
    return out
  }
}

/** ThingsBoard's algorithm step by step: replace each metadata entry, then each data placeholder. */
function resolveByReplacement(pattern: string, msg: TbMsg): string {
  let result = pattern
  for (const key in msg.metadata) result = result.replaceAll('${' + key + '}', msg.metadata[key] ?? '')
  result = result.replaceAll('${*}', JSON.stringify(msg.metadata))
  const body = msg.body()
  if (body === undefined) return result
  for (const match of [...result.matchAll(DATA_TOKEN)]) {
    const group = match[1] ?? ''
    let value: string | undefined
    if (group === '*') value = compactJson(msg.data)
    else if (isJsonObject(body)) value = dataValue(msg, body, splitPath(group))
    if (value !== undefined) result = result.replaceAll('$[' + group + ']', value)
  }
  return result
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
