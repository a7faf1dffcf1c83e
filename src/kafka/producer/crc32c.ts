// CRC-32C (Castagnoli) of a record batch. The native implementation reads the bytes where they
// are; the client's exported one copies them first, so it is only the fallback for platforms
// without a prebuilt native binary.

import { createRequire } from 'node:module'
import { clientCrc32c } from '../client.js'

type Crc32c = (bytes: Uint8Array) => number

function load(): Crc32c {
  try {
    const native = createRequire(import.meta.url)('@node-rs/crc32') as { crc32c: Crc32c }
    return native.crc32c
  } catch {
    return clientCrc32c
  }
}

/** CRC-32C of the bytes, as a record batch's `crc` field holds it. */
export const crc32c: Crc32c = load()
