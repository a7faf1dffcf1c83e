// The server side of SCRAM-SHA-256/512 (RFC 5802, RFC 7677; Kafka KIP-84), with node:crypto.

import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto'

/** The hash of a SCRAM mechanism. */
export type ScramHash = 'sha256' | 'sha512'

const ITERATIONS = 4096

interface Attributes {
  readonly [name: string]: string | undefined
}

function attributes(message: string): Attributes {
  const out: Record<string, string> = {}
  for (const part of message.split(',')) {
    const eq = part.indexOf('=')
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1)
  }
  return out
}

const hmac = (hash: ScramHash, key: Buffer, text: string): Buffer =>
  createHmac(hash, key).update(text).digest()

/** One SCRAM exchange: `first` answers the client-first message, `final` the client-final one. */
export class ScramExchange {
  #clientFirstBare = ''
  #serverFirst = ''
  #password: string | undefined
  #salt = randomBytes(16)
  /** The user named in the client-first message. */
  user = ''

  constructor(
    readonly hash: ScramHash,
    readonly lookup: (user: string) => string | undefined
  ) {}

  /** Returns the server-first message, or an error text. */
  first(message: string): { reply: string } | { error: string } {
    // gs2 header "n,," (no channel binding, no authzid other than empty or the user).
    const headerEnd = message.indexOf(',', message.indexOf(',') + 1)
    if (!message.startsWith('n,') && !message.startsWith('y,'))
      return { error: 'channel binding is not supported' }
    this.#clientFirstBare = message.slice(headerEnd + 1)
    const attrs = attributes(this.#clientFirstBare)
    if (attrs.n === undefined || attrs.r === undefined)
      return { error: 'malformed SCRAM client-first message' }
    this.user = attrs.n.replaceAll('=2C', ',').replaceAll('=3D', '=')
    this.#password = this.lookup(this.user)
    const nonce = attrs.r + randomBytes(18).toString('base64')
    this.#serverFirst = `r=${nonce},s=${this.#salt.toString('base64')},i=${ITERATIONS}`
    return { reply: this.#serverFirst }
  }

  // Kafka's words for every SCRAM failure, so that clients show the same text from both brokers.
  #invalid(): string {
    const mechanism = this.hash === 'sha256' ? 'SCRAM-SHA-256' : 'SCRAM-SHA-512'
    return `Authentication failed during authentication due to invalid credentials with SASL mechanism ${mechanism}`
  }

  /** Verifies the client's proof; returns the server-final message, or an error text. */
  final(message: string): { reply: string } | { error: string } {
    const attrs = attributes(message)
    const proofAt = message.lastIndexOf(',p=')
    if (attrs.p === undefined || proofAt < 0) return { error: 'malformed SCRAM client-final message' }
    const nonce = attributes(this.#serverFirst).r ?? ''
    // RFC 5802 5.1: the nonce must be exactly the server's. Kafka 4 checks it strictly (the fix of
    // CVE-2024-56128), which refuses librdkafka before 2.6.1 (Debian's kcat 2.0.2): it sends its own
    // nonce again in front (confluentinc/librdkafka#4895). Refused here too, as Kafka refuses it.
    if (attrs.r !== nonce) return { error: this.#invalid() }
    if (this.#password === undefined) return { error: this.#invalid() }
    const length = this.hash === 'sha256' ? 32 : 64
    const salted = pbkdf2Sync(this.#password, this.#salt, ITERATIONS, length, this.hash)
    const clientKey = hmac(this.hash, salted, 'Client Key')
    const storedKey = createHash(this.hash).update(clientKey).digest()
    const authMessage = `${this.#clientFirstBare},${this.#serverFirst},${message.slice(0, proofAt)}`
    const signature = hmac(this.hash, storedKey, authMessage)
    const proof = Buffer.from(attrs.p, 'base64')
    if (proof.length !== length) return { error: this.#invalid() }
    const recovered = Buffer.alloc(length)
    for (let i = 0; i < length; i++) recovered[i] = (proof[i] as number) ^ (signature[i] as number)
    if (!timingSafeEqual(createHash(this.hash).update(recovered).digest(), storedKey)) {
      return { error: this.#invalid() }
    }
    const serverSignature = hmac(this.hash, hmac(this.hash, salted, 'Server Key'), authMessage)
    return { reply: `v=${serverSignature.toString('base64')}` }
  }
}
