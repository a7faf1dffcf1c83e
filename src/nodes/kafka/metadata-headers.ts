// Message metadata as Kafka headers: entry `k` becomes header `tb_msg_md_k`, its value in the
// configured charset. Devices send the same few metadata keys over and over, so each name is
// encoded once; the cache is bounded because keys come from the messages.

import type { HeaderEncoding } from './charset.js'
import type { HeaderCodec } from './record-batch.js'

const PREFIX = 'tb_msg_md_'
const LIMIT = 1024

/** Header names and values for metadata entries. */
export class MetadataHeaders implements HeaderCodec {
  readonly #known = new Map<string, Buffer>()

  constructor(readonly encoding: HeaderEncoding) {}

  name(key: string): Buffer {
    const known = this.#known.get(key)
    if (known !== undefined) return known
    const name = Buffer.from(PREFIX + key, 'utf8')
    if (this.#known.size < LIMIT) this.#known.set(key, name)
    return name
  }

  valueBytes(value: string): number {
    return this.encoding.byteLength(value)
  }

  writeValue(out: Buffer, at: number, value: string): number {
    return this.encoding.write(out, at, value)
  }

  /** Bytes the entries take as headers, for sizing a record. */
  size(metadata: Readonly<Record<string, string>>): number {
    let size = 0
    for (const key in metadata) size += this.name(key).length + this.valueBytes(metadata[key] as string) + 2
    return size
  }
}
