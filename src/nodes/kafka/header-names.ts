// Header names `tb_msg_md_<key>` as bytes. Devices send the same few metadata keys over and over,
// so each name is encoded once; the cache is bounded because keys come from the messages.

const PREFIX = 'tb_msg_md_'
const LIMIT = 1024

/** Encodes metadata keys as header names, remembering the common ones. */
export class HeaderNames {
  readonly #known = new Map<string, Buffer>()

  encode(key: string): Buffer {
    const known = this.#known.get(key)
    if (known !== undefined) return known
    const name = Buffer.from(PREFIX + key, 'utf8')
    if (this.#known.size < LIMIT) this.#known.set(key, name)
    return name
  }
}
