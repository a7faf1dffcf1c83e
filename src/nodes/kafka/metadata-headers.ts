// Message metadata as Kafka headers: entry `k` becomes header `tb_msg_md_k`, its value in the
// configured charset. Devices send the same few metadata keys over and over, so each name is
// encoded once; the cache is bounded because keys come from the messages.

import { javaUtf8Text, type HeaderEncoding } from './charset.js'
import { writeUtf8, type HeaderCodec } from '../../kafka/producer/record-batch.js'
import { varIntBytes } from '../../kafka/producer/varint.js'

const PREFIX = 'tb_msg_md_'
const LIMIT = 1024

/** Header names and values for metadata entries. */
export class MetadataHeaders implements HeaderCodec {
  readonly #known = new Map<string, Buffer>()

  readonly #utf8: boolean
  #lastCount = 0

  constructor(readonly encoding: HeaderEncoding) {
    this.#utf8 = encoding.charset === 'UTF-8'
  }

  name(key: string): Buffer {
    const known = this.#known.get(key)
    if (known !== undefined) return known
    const name = Buffer.from(javaUtf8Text(PREFIX + key), 'utf8')
    if (this.#known.size < LIMIT) this.#known.set(key, name)
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
      const name = this.name(key).length
      const value = this.valueBytes(metadata[key] as string)
      bytes += varIntBytes(name) + name + varIntBytes(value) + value
      count++
    }
    this.#lastCount = count
    return bytes + varIntBytes(count)
  }
}
