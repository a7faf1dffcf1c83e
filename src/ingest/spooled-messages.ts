import type { Chain } from '../engine/chain.js'
import type { Logger } from '../engine/logger.js'
import { describeError } from '../errors.js'
import type { TbMsg } from '../msg/message.js'
import { parseMessage } from '../msg/parse-message.js'
import type { Spool } from '../spool/spool.js'

// What a front (HTTP, MQTT) does with the spool: `spoolMessage` before it acknowledges a message,
// then `chain.push(msg, () => spool.done(id))`; and `replaySpool` once at start, before it takes
// input. Messages are kept as their JSON, so that any front reads back what any other wrote.

/**
 * Writes a message to the spool: its id, and a promise that resolves once it is durable. Throws
 * SpoolFullError when the spool is full.
 */
export function spoolMessage(spool: Spool, msg: TbMsg): { id: number; durable: Promise<void> } {
  return spool.write(JSON.stringify(msg))
}

/**
 * Puts the messages an earlier run accepted and did not finish back into the chain, in the order
 * they were accepted (so in order per device), each marked done in the spool once it has left the
 * chain. Waits when a node pushes back, so a long backlog never sits in memory at once. Resolves
 * with how many were replayed, once all are in the chain.
 */
export async function replaySpool(spool: Spool, chain: Chain, logger: Logger): Promise<number> {
  const unfinished = spool.replay()
  for (const { id, payload } of unfinished) {
    let msg: TbMsg
    try {
      msg = parseMessage(payload.toString('utf8'))
    } catch (failure) {
      // The checksum matched, so these are the bytes we wrote: only a changed format gets here.
      logger.error(`spool: message ${id} cannot be read back, dropped: ${describeError(failure)}`)
      spool.done(id)
      continue
    }
    const accepted = chain.push(msg, () => spool.done(id))
    if (accepted !== undefined) await accepted
  }
  if (unfinished.length > 0) {
    logger.info(
      `spool: replayed ${unfinished.length} message(s) an earlier run left unfinished in ${spool.dir}`
    )
  }
  return unfinished.length
}
