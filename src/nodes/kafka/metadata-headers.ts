// Message metadata as Kafka headers: entry `k` becomes header `tb_msg_md_k`, its value in the
// configured charset. Devices send the same few metadata keys over and over, so each name is
// encoded once; the cache is bounded because keys come from the messages.

import { javaUtf8Text, type HeaderEncoding } from './charset.js'
import { writeUtf8, type HeaderCodec } from '../../kafka/producer/record-batch.js'
import { varIntBytes } from '../../kafka/producer/varint.js'

const PREFIX = 'tb_msg_md_'
const LIMIT = 1024
const POSITIONS = 64

/** Header names and values for metadata entries. */
export class MetadataHeaders implements HeaderCodec {
  readonly #known = new Map<string, Buffer>()
  // The last key and name seen at each entry position: messages of one source carry the same
  // keys in the same order, and comparing the key there is much cheaper than a Map lookup, which
  // ran twice per entry per record (measure, then write).
  readonly #atKeys: string[] = []
  readonly #atNames: Buffer[] = []

  readonly #utf8: boolean
  #lastCount = 0

  constructor(readonly encoding: HeaderEncoding) {
    this.#utf8 = encoding.charset === 'UTF-8'
  }

  name(key: string, index: number): Buffer {
    if (this.#atKeys[index] === key) return this.#atNames[index] as Buffer
    let name = this.#known.get(key)
    if (name === undefined) {
      name = Buffer.from(javaUtf8Text(PREFIX + key), 'utf8')
      if (this.#known.size < LIMIT) this.#known.set(key, name)
    }
    if (index < POSITIONS) {
      this.#atKeys[index] = key
      this.#atNames[index] = name
    }
    return name
  }

  valueBytes(value: string): number {
    return this.encoding.byteLength(value)
  }

  writeValue(out: Buffer, at: number, value: string, bytes: number): void {
    // UTF-8 is written in place; the other charsets are rare enough to encode and copy.
    if (this.#utf8) writeUtf8(out, at, javaUtf8Text(value), bytes)
    else this.encoding.encode(value).copy(out, at)
  }

  /** How many entries the last `measure` counted. */
  get lastCount(): number {
    return this.#lastCount
  }

  /**
   * The bytes of a record's header section for these entries: the count, then each name and value
   * with its length, as the batch encoder writes them. Counts the entries on the way (`lastCount`).
   */
  measure(metadata: Readonly<Record<string, string>>): number {
    let bytes = 0
    let count = 0
    for (const key in metadata) {
      const name = this.name(key, count).length
      const value = this.valueBytes(metadata[key] as string)
      bytes += varIntBytes(name) + name + varIntBytes(value) + value
      count++
    }
    this.#lastCount = count
    return bytes + varIntBytes(count)
  }
}
