// Where a front hands its messages over. Once what `accept` returns has resolved (at once when it
// returns undefined), the messages are the service's: the front may tell the device so (HTTP 200,
// MQTT PUBACK). Without a spool that is when the chain has taken them; with one, when they are also
// on disk, each marked done there once it has left the chain.

import type { Chain } from '../engine/chain.js'
import type { Acceptance } from '../engine/rule-node.js'
import type { TbMsg } from '../msg/message.js'
import type { Spool } from '../spool/spool.js'
import { spoolMessage } from './spooled-messages.js'

/** Takes messages in; throws when no more are taken (the service is stopping). */
export type Accept = (msgs: readonly TbMsg[]) => Acceptance

/** How a front hands messages over, and whether a node is pushing back meanwhile. */
export interface Acceptor {
  readonly accept: Accept
  /**
   * True while an earlier acceptance waits for a node to ease its backpressure: a front that
   * cannot pause its input (HTTP) turns new input away meanwhile rather than queue it. A spool
   * write under way is not backpressure: concurrent requests are what its group commit shares.
   */
  pushingBack(): boolean
}

/** Hands messages straight to the chain: accepted once every push's backpressure has eased. */
export function chainAcceptor(chain: Chain): Acceptor {
  const waits = new BackpressureCount()
  return {
    accept: (msgs) => waits.track(pushAll(chain, msgs)),
    pushingBack: () => waits.active
  }
}

/**
 * Writes messages to the spool, then hands them to the chain; accepted once they are durable and
 * the chain's backpressure has eased. When the spool refuses one (full, or a write fails), those
 * already written are marked done and the acceptance rejects: the device is told to send them
 * again, so they must not be replayed as well.
 */
export function spoolAcceptor(spool: Spool, chain: Chain): Acceptor {
  const waits = new BackpressureCount()
  const accept = async (msgs: readonly TbMsg[]): Promise<void> => {
    let ids: number[]
    if (msgs.length === 1) {
      // One message per request is the common case: no list of promises to settle for it.
      const { id, durable } = spoolMessage(spool, msgs[0] as TbMsg)
      await durable
      ids = [id]
    } else ids = await spoolAll(spool, msgs)
    const accepted = waits.track(
      pushAll(
        chain,
        msgs,
        ids.map((id) => () => spool.done(id))
      )
    )
    if (accepted !== undefined) await accepted
  }
  return { accept, pushingBack: () => waits.active }
}

/**
 * Writes the messages; when the spool refuses one, stops there, and once those written are
 * durable (or failed) marks them done and rejects with the refusal.
 */
async function spoolAll(spool: Spool, msgs: readonly TbMsg[]): Promise<number[]> {
  const ids: number[] = []
  const durables: Promise<void>[] = []
  let refusal: unknown
  for (const msg of msgs) {
    try {
      const { id, durable } = spoolMessage(spool, msg)
      ids.push(id)
      durables.push(durable)
    } catch (error) {
      refusal = error
      break
    }
  }
  // A message is marked done only once it is on disk: a mark for one still queued is not taken.
  for (const result of await Promise.allSettled(durables)) {
    if (result.status === 'rejected') refusal ??= result.reason
  }
  if (refusal !== undefined) {
    for (const id of ids) spool.done(id)
    throw refusal
  }
  return ids
}

function pushAll(chain: Chain, msgs: readonly TbMsg[], settles?: readonly (() => void)[]): Acceptance {
  let waits: Promise<void>[] | undefined
  for (let i = 0; i < msgs.length; i++) {
    let accepted: Acceptance
    try {
      accepted = chain.push(msgs[i] as TbMsg, settles?.[i])
    } catch (failure) {
      // Refused (the chain is stopping), so not to be replayed either: the device sends them again.
      for (const settle of settles?.slice(i) ?? []) settle()
      throw failure
    }
    if (accepted !== undefined) (waits ??= []).push(accepted)
  }
  if (waits === undefined) return undefined
  return Promise.all(waits).then(() => undefined)
}

/** Acceptances waiting for a node's backpressure to ease. */
class BackpressureCount {
  #count = 0

  get active(): boolean {
    return this.#count > 0
  }

  track(accepted: Acceptance): Acceptance {
    if (accepted === undefined) return undefined
    this.#count++
    return accepted.finally(() => this.#count--)
  }
}
