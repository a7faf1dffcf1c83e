// JSON as ThingsBoard's Jackson reads and writes it (ObjectMapper.readTree, JacksonUtil.toString):
// - members keep their order (a LinkedHashMap; a repeated key keeps its first place, last value);
//   JavaScript objects would move integer-like keys first;
// - a number without fraction or exponent is an int, long or BigInteger and prints as its value;
//   one with either is a double and prints as Java's Double.toString (`1.50` -> `1.5`,
//   `1e3` -> `1000.0`);
// - text after the first complete value is ignored (readTree stops there);
// - written compactly; strings escape `"`, `\` and control characters only (\b \t \n \f \r, else
//   \u00XX in upper case), so other characters and unicode escapes come out decoded.

import { javaDoubleToString } from './java-double.js'

/** A parsed JSON value, as Jackson's JsonNode holds it. */
export type JsonNode =
  | { readonly kind: 'object'; readonly fields: Map<string, JsonNode> }
  | { readonly kind: 'array'; readonly items: JsonNode[] }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly text: string; readonly value: number }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'null' }

class NotJson extends Error {}

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y

/**
 * Jackson's number node for a JSON number token: an integer prints as its value, any other as a
 * double. The text is made when first asked for: most numbers of a body are never printed.
 */
class NumberNode {
  readonly kind = 'number'
  readonly value: number
  readonly #token: string
  #text: string | undefined

  constructor(token: string) {
    this.#token = token
    this.value = Number(token)
  }

  get text(): string {
    if (this.#text === undefined) {
      const token = this.#token
      const isInteger = !token.includes('.') && !token.includes('e') && !token.includes('E')
      this.#text = isInteger ? BigInt(token).toString() : javaDoubleToString(this.value)
    }
    return this.#text
  }
}

/** Jackson's number node for a JSON number token. */
export function numberNode(token: string): JsonNode {
  return new NumberNode(token)
}

class Reader {
  pos = 0
  constructor(readonly text: string) {}

  space(): void {
    const text = this.text
    while (this.pos < text.length) {
      const c = text.charCodeAt(this.pos)
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break
      this.pos++
    }
  }

  value(depth: number): JsonNode {
    if (depth > 1000) throw new NotJson('nested too deeply')
    this.space()
    const c = this.text[this.pos]
    switch (c) {
      case '{':
        return this.object(depth)
      case '[':
        return this.array(depth)
      case '"':
        return { kind: 'string', value: this.string() }
      case 't':
        return this.word('true', { kind: 'boolean', value: true })
      case 'f':
        return this.word('false', { kind: 'boolean', value: false })
      case 'n':
        return this.word('null', { kind: 'null' })
      default: {
        NUMBER.lastIndex = this.pos
        const match = NUMBER.exec(this.text)
        if (match === null) throw new NotJson(`unexpected ${c === undefined ? 'end' : JSON.stringify(c)}`)
        this.pos += match[0].length
        // Jackson refuses `1.` and `01`, and a number running into letters (`1x`).
        const next = this.text[this.pos]
        if (next !== undefined && /[\w.]/.test(next)) throw new NotJson('bad number')
        return numberNode(match[0])
      }
    }
  }

  word(word: string, node: JsonNode): JsonNode {
    if (!this.text.startsWith(word, this.pos)) throw new NotJson(`expected ${word}`)
    this.pos += word.length
    return node
  }

  string(): string {
    const start = this.pos
    this.pos++
    let escaped = false
    for (;;) {
      const c = this.text.charCodeAt(this.pos)
      if (Number.isNaN(c)) throw new NotJson('unterminated string')
      if (c < 0x20) throw new NotJson('control character in a string')
      if (c === 0x5c) {
        escaped = true
        this.pos += 2
        continue
      }
      this.pos++
      if (c === 0x22) break
    }
    const raw = this.text.slice(start, this.pos)
    if (!escaped) return raw.slice(1, -1)
    try {
      return JSON.parse(raw) as string
    } catch {
      throw new NotJson('bad escape in a string')
    }
  }

  expect(char: string): void {
    this.space()
    if (this.text[this.pos] !== char) throw new NotJson(`expected ${char}`)
    this.pos++
  }

  object(depth: number): JsonNode {
    this.pos++
    const fields = new Map<string, JsonNode>()
    this.space()
    if (this.text[this.pos] === '}') {
      this.pos++
      return { kind: 'object', fields }
    }
    for (;;) {
      this.space()
      if (this.text[this.pos] !== '"') throw new NotJson('expected a member name')
      const key = this.string()
      this.expect(':')
      fields.set(key, this.value(depth + 1))
      this.space()
      const c = this.text[this.pos++]
      if (c === '}') return { kind: 'object', fields }
      if (c !== ',') throw new NotJson('expected , or }')
    }
  }

  array(depth: number): JsonNode {
    this.pos++
    const items: JsonNode[] = []
    this.space()
    if (this.text[this.pos] === ']') {
      this.pos++
      return { kind: 'array', items }
    }
    for (;;) {
      items.push(this.value(depth + 1))
      this.space()
      const c = this.text[this.pos++]
      if (c === ']') return { kind: 'array', items }
      if (c !== ',') throw new NotJson('expected , or ]')
    }
  }
}

/**
 * Reads JSON text as Jackson's readTree does; undefined when it is not JSON (where ThingsBoard's
 * JacksonUtil.toJsonNode throws) or holds nothing but white space.
 */
export function parseJsonTree(text: string): JsonNode | undefined {
  const reader = new Reader(text)
  reader.space()
  if (reader.pos === text.length) return undefined
  try {
    return reader.value(0)
  } catch (error) {
    if (error instanceof NotJson) return undefined
    throw error
  }
}

const SHORT_ESCAPES: Readonly<Record<number, string>> = {
  8: '\\b',
  9: '\\t',
  10: '\\n',
  12: '\\f',
  13: '\\r'
}

/** A string as Jackson writes it, quotes included. */
export function writeJsonString(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/["\\\u0000-\u001f]/.test(value)) return `"${value}"`
  let out = '"'
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c === 0x22) out += '\\"'
    else if (c === 0x5c) out += '\\\\'
    else if (c < 0x20) out += SHORT_ESCAPES[c] ?? `\\u00${c.toString(16).toUpperCase().padStart(2, '0')}`
    else out += value[i]
  }
  return out + '"'
}

/** The node as JacksonUtil.toString writes it: compact. */
export function writeJson(node: JsonNode): string {
  switch (node.kind) {
    case 'object': {
      const parts: string[] = []
      for (const [key, value] of node.fields) parts.push(`${writeJsonString(key)}:${writeJson(value)}`)
      return `{${parts.join(',')}}`
    }
    case 'array':
      return `[${node.items.map(writeJson).join(',')}]`
    case 'string':
      return writeJsonString(node.value)
    case 'number':
      // A double out of range reads as Infinity; Jackson writes it as a string
      // (JsonWriteFeature.WRITE_NAN_AS_STRINGS, on by default).
      return Number.isFinite(node.value) || !/^-?Infinity$/.test(node.text) ? node.text : `"${node.text}"`
    case 'boolean':
      return node.value ? 'true' : 'false'
    case 'null':
      return 'null'
  }
}

/** Jackson's asText for a scalar (a string without quotes); undefined for an object or array. */
export function scalarText(node: JsonNode): string | undefined {
  switch (node.kind) {
    case 'string':
      return node.value
    case 'number':
      return node.text
    case 'boolean':
      return node.value ? 'true' : 'false'
    case 'null':
      return 'null'
    default:
      return undefined
  }
}

/** Jackson's asText for any node: a container gives "" as JsonNode.asText does. */
export function asText(node: JsonNode): string {
  return scalarText(node) ?? ''
}

/** `JacksonUtil.toString(node)` for a value that is text (written as is) or anything else (as JSON). */
export function textOrJson(node: JsonNode): string {
  return node.kind === 'string' ? node.value : writeJson(node)
}

/** A node for a JavaScript value; numbers as Jackson would read their shortest text. */
export function fromJsValue(value: unknown): JsonNode {
  if (value === null || value === undefined) return { kind: 'null' }
  if (typeof value === 'string') return { kind: 'string', value }
  if (typeof value === 'boolean') return { kind: 'boolean', value }
  if (typeof value === 'number') {
    return Number.isInteger(value) && Math.abs(value) < 2 ** 63
      ? { kind: 'number', text: BigInt(value).toString(), value }
      : { kind: 'number', text: javaDoubleToString(value), value }
  }
  if (Array.isArray(value)) return { kind: 'array', items: value.map(fromJsValue) }
  if (typeof value === 'object') {
    const fields = new Map<string, JsonNode>()
    for (const [key, entry] of Object.entries(value)) fields.set(key, fromJsValue(entry))
    return { kind: 'object', fields }
  }
  return { kind: 'string', value: String(value) }
}
