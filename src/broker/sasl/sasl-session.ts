// One connection's SASL state (KIP-43 handshake, KIP-152 SaslAuthenticate): which mechanism the
// client chose, the exchange under way, and whether it has authenticated.

import { timingSafeEqual } from 'node:crypto'
import { ScramExchange } from './scram.js'

/** The mechanisms this broker offers when users are configured. */
export const MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const

/** What one SaslAuthenticate step gives back. */
export type SaslStep = { readonly reply: Buffer; readonly done: boolean } | { readonly error: string }

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** SASL state of one connection. */
export class SaslSession {
  mechanism: string | undefined
  authenticated: boolean
  user: string | undefined
  #scram: ScramExchange | undefined
  #step = 0

  constructor(readonly users: ReadonlyMap<string, string> | undefined) {
    this.authenticated = users === undefined
  }

  /** Whether the connection must authenticate before other requests. */
  get required(): boolean {
    return this.users !== undefined && !this.authenticated
  }

  /** Chooses the mechanism (SaslHandshake); false when it is not offered. */
  choose(mechanism: string): boolean {
    if (this.users === undefined || !(MECHANISMS as readonly string[]).includes(mechanism)) return false
    this.mechanism = mechanism
    this.#step = 0
    if (mechanism !== 'PLAIN') {
      const hash = mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512'
      this.#scram = new ScramExchange(hash, (user) => this.users?.get(user))
    }
    return true
  }

  /** Takes one client token (SaslAuthenticate). */
  authenticate(token: Buffer): SaslStep {
    if (this.mechanism === undefined || this.users === undefined)
      return { error: 'SaslAuthenticate before SaslHandshake' }
    if (this.mechanism === 'PLAIN') {
      const [, user = '', password = ''] = token.toString('utf8').split('\0')
      const expected = this.users.get(user)
      if (expected === undefined || !same(expected, password))
        return { error: 'Authentication failed: Invalid username or password' }
      return this.#success(user, Buffer.alloc(0))
    }
    const scram = this.#scram as ScramExchange
    const step =
      this.#step++ === 0 ? scram.first(token.toString('utf8')) : scram.final(token.toString('utf8'))
    if ('error' in step) return step
    if (this.#step === 1) return { reply: Buffer.from(step.reply), done: false }
    return this.#success(scram.user, Buffer.from(step.reply))
  }

  #success(user: string, reply: Buffer): SaslStep {
    this.authenticated = true
    this.user = user
    return { reply, done: true }
  }
}
