// Header value charsets: the Java names ThingsBoard accepts (Charset.forName, java-charsets.ts),
// encoded as Java's String.getBytes writes them; and UTF-8 text (keys, values, header names)
// encoded as Java's encoders write it. iconv-lite holds the byte tables.

import iconv from 'iconv-lite'
import { ConfigError } from '../../errors.js'
import { JAVA_CHARSETS, type JavaCharset } from './java-charsets.js'

// ES2024's String well-formedness methods, present in Node 20 (V8 11.3) but not in lib ES2023.
declare global {
  interface String {
    isWellFormed(): boolean
    toWellFormed(): string
  }
}

// A JS string, like a Java String, can hold an unpaired surrogate (a JSON "\ud800" escape gives
// one). Java's encoders replace it: UTF-8 and the byte charsets with '?', the UTF-16 and UTF-32
// families with U+FFFD. Node's UTF-8 writes U+FFFD (three bytes) and its UTF-16 the bare code unit.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/** `value` as Java's UTF-8 encoder (String.getBytes, StringSerializer) sees it: an unpaired surrogate is '?'. */
export function javaUtf8Text(value: string): string {
  // isWellFormed answers at once for one-byte strings, the common case on this hot path.
  return value.isWellFormed() ? value : value.replace(LONE_SURROGATE, '?')
}

/** How header values are encoded. */
export interface HeaderEncoding {
  /** Java's canonical name of the charset. */
  readonly charset: string
  encode(value: string): Buffer
  /** The length of `encode(value)`. */
  byteLength(value: string): number
}

// Any surrogate pair, a surrogate alone, or U+FFFD.
const UNMAPPABLE = /[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff\ufffd]/g

// A charset without characters beyond U+FFFF: Java's encoder meets a surrogate pair as one
// unmappable character and writes one '?' for it (iconv-lite would write one per code unit).
// Nor has it U+FFFD, which iconv-lite's reverse tables give the byte they decode to it.
const bmpOnly = (value: string): string => value.replace(UNMAPPABLE, '?')

const utf16be = (v: string): Buffer => Buffer.from(v.toWellFormed(), 'utf16le').swap16()

// The Unicode charsets Node encodes itself, as Java does.
const UNICODE: Readonly<Record<string, (value: string) => Buffer>> = {
  'UTF-8': (v) => Buffer.from(javaUtf8Text(v), 'utf8'),
  'UTF-16LE': (v) => Buffer.from(v.toWellFormed(), 'utf16le'),
  'UTF-16BE': utf16be,
  // Java's UTF-16 encoder writes a big-endian byte order mark first, but String.getBytes of ""
  // is empty: no mark.
  'UTF-16': (v) => (v.length === 0 ? Buffer.alloc(0) : Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(v)]))
}

// EUC-KR is KS X 1001: a character is one byte below 0x80 or two bytes of 0xA1-0xFE. iconv-lite's
// table is Microsoft's cp949, which adds the other Hangul syllables as codes outside that range;
// Java's EUC-KR has none of them and writes '?'.
function eucKr(value: string, name: string): Buffer {
  const whole = iconv.encode(value, name)
  if (!whole.some((byte) => byte >= 0x80)) return whole
  const parts: Buffer[] = []
  for (const char of value) {
    const bytes = iconv.encode(char, name)
    const fits = bytes.length === 1 || ((bytes[0] as number) >= 0xa1 && (bytes[1] as number) >= 0xa1)
    parts.push(fits ? bytes : QUESTION)
  }
  return Buffer.concat(parts)
}

const QUESTION = Buffer.from('?')

function encoderOf(charset: JavaCharset): (value: string) => Buffer {
  const own = UNICODE[charset.name]
  if (own !== undefined) return own
  const name = charset.iconv as string
  // UTF-32 (big-endian without a mark, as Java's) writes every character; GB18030 too, except a
  // lone surrogate, which it replaces with '?' as Java does.
  if (charset.name.startsWith('UTF-32')) return (v) => iconv.encode(v.toWellFormed(), name)
  if (charset.name === 'GB18030') return (v) => iconv.encode(javaUtf8Text(v), name)
  if (charset.name === 'EUC-KR') return (v) => eucKr(bmpOnly(v), name)
  return (v) => iconv.encode(bmpOnly(v), name)
}

// Names in upper case, for Java's case-insensitive lookup.
const BY_NAME = new Map<string, JavaCharset>()
for (const charset of JAVA_CHARSETS)
  for (const name of [charset.name, ...charset.aliases]) BY_NAME.set(name.toUpperCase(), charset)

/** The charset names the node takes, canonical ones only, for messages and `describe`. */
export const CHARSET_NAMES: readonly string[] = JAVA_CHARSETS.map((c) => c.name)

/**
 * The encoder for a Java charset name or alias (case-insensitive); a name Java's Charset.forName
 * would refuse, or one this node does not carry, is a ConfigError naming the field.
 */
export function headerEncoding(name: string): HeaderEncoding {
  // Java takes the name as given: " UTF-8" is an illegal charset name there.
  const charset = BY_NAME.get(name.toUpperCase())
  if (charset === undefined) {
    throw new ConfigError(
      `kafkaHeadersCharset must be one of ${CHARSET_NAMES.join(', ')} or one of their Java aliases (got ${JSON.stringify(name)})`,
      { field: 'kafkaHeadersCharset' }
    )
  }
  const encode = encoderOf(charset)
  const byteLength =
    charset.name === 'UTF-8'
      ? (v: string) => Buffer.byteLength(javaUtf8Text(v), 'utf8')
      : (v: string) => encode(v).length
  return { charset: charset.name, encode, byteLength }
}
