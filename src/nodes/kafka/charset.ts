// Header value charsets: the Java names ThingsBoard accepts (Charset.forName) that Node encodes,
// and UTF-8 text (keys, values, header names) encoded as Java's encoders write it.

import { ConfigError } from '../../errors.js'

// ES2024's String well-formedness methods, present in Node 20 (V8 11.3) but not in lib ES2023.
declare global {
  interface String {
    isWellFormed(): boolean
    toWellFormed(): string
  }
}

// A JS string, like a Java String, can hold an unpaired surrogate (a JSON "\ud800" escape gives
// one). Java's encoders replace it: UTF-8, ISO-8859-1 and US-ASCII with '?', the UTF-16 family
// with U+FFFD. Node's UTF-8 writes U+FFFD (three bytes) and its UTF-16 the bare code unit.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/** `value` as Java's UTF-8 encoder (String.getBytes, StringSerializer) sees it: an unpaired surrogate is '?'. */
export function javaUtf8Text(value: string): string {
  // isWellFormed answers at once for one-byte strings, the common case on this hot path.
  return value.isWellFormed() ? value : value.replace(LONE_SURROGATE, '?')
}

/** How header values are encoded. */
export interface HeaderEncoding {
  readonly charset: string
  encode(value: string): Buffer
  /** The length of `encode(value)`, without encoding. */
  byteLength(value: string): number
}

// Single-byte charsets write one byte per code point (a surrogate pair is one '?').
function codePoints(value: string): number {
  let count = value.length
  for (let i = 0; i < value.length - 1; i++) {
    const unit = value.charCodeAt(i)
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = value.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--
        i++
      }
    }
  }
  return count
}

const BYTE_LENGTHS: Readonly<Record<string, (value: string) => number>> = {
  'UTF-8': (v) => Buffer.byteLength(javaUtf8Text(v), 'utf8'),
  'US-ASCII': codePoints,
  'ISO-8859-1': codePoints,
  'UTF-16LE': (v) => v.length * 2,
  'UTF-16BE': (v) => v.length * 2,
  'UTF-16': (v) => (v.length === 0 ? 0 : v.length * 2 + 2)
}

// Java's encoders replace a character the charset cannot map (a surrogate pair counts as one) with '?'.
function unmappable(value: string, max: number): string {
  let out = ''
  for (const char of value) out += (char.codePointAt(0) as number) <= max ? char : '?'
  return out
}

const ENCODERS: Readonly<Record<string, (value: string) => Buffer>> = {
  'UTF-8': (v) => Buffer.from(javaUtf8Text(v), 'utf8'),
  'US-ASCII': (v) => Buffer.from(unmappable(v, 0x7f), 'latin1'),
  'ISO-8859-1': (v) => Buffer.from(unmappable(v, 0xff), 'latin1'),
  'UTF-16LE': (v) => Buffer.from(v.toWellFormed(), 'utf16le'),
  'UTF-16BE': (v) => Buffer.from(v.toWellFormed(), 'utf16le').swap16(),
  // Java's UTF-16 encoder writes a big-endian byte order mark first, but String.getBytes of ""
  // is empty: no mark.
  'UTF-16': (v) =>
    v.length === 0
      ? Buffer.alloc(0)
      : Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(v.toWellFormed(), 'utf16le').swap16()])
}

const ALIASES: Readonly<Record<string, string>> = {
  UTF8: 'UTF-8',
  ASCII: 'US-ASCII',
  ISO8859_1: 'ISO-8859-1',
  'ISO-LATIN-1': 'ISO-8859-1',
  LATIN1: 'ISO-8859-1',
  UTF_16: 'UTF-16',
  UTF_16BE: 'UTF-16BE',
  UTF_16LE: 'UTF-16LE'
}

/** The encoder for a Java charset name (case-insensitive, with Java's common aliases). */
export function headerEncoding(name: string): HeaderEncoding {
  const upper = name.trim().toUpperCase()
  const charset = ENCODERS[upper] === undefined ? ALIASES[upper] : upper
  const encode = charset === undefined ? undefined : ENCODERS[charset]
  const byteLength = charset === undefined ? undefined : BYTE_LENGTHS[charset]
  if (charset === undefined || encode === undefined || byteLength === undefined) {
    throw new ConfigError(
      `kafkaHeadersCharset must be one of ${Object.keys(ENCODERS).join(', ')} (got ${JSON.stringify(name)})`,
      { field: 'kafkaHeadersCharset' }
    )
  }
  return { charset, encode, byteLength }
}
