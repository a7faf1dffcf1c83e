// Where a front hands its messages over. Once what `accept` returns has resolved (at once when it
// returns undefined), the messages are the service's: the front may tell the device so (HTTP 200,
// MQTT PUBACK). Today that is the chain itself; a durable spool can sit here instead, and the
// fronts need not change.

import type { Chain } from '../engine/chain.js'
import type { Acceptance } from '../engine/rule-node.js'
import type { TbMsg } from '../msg/message.js'

/** Takes messages in; throws when no more are taken (the service is stopping). */
export type Accept = (msgs: readonly TbMsg[]) => Acceptance

/** Hands messages straight to the chain: accepted once every push's backpressure has eased. */
export function chainAcceptor(chain: Chain): Accept {
  return (msgs) => {
    let waits: Promise<void>[] | undefined
    for (const msg of msgs) {
      const accepted = chain.push(msg)
      if (accepted !== undefined) (waits ??= []).push(accepted)
    }
    if (waits === undefined) return undefined
    return Promise.all(waits).then(() => undefined)
  }
}
