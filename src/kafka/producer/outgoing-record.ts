// A record handed to the Producer, and how it ends: delivered at an offset or failed with an error.
// The record itself hears its outcome (settle), so that the hot path needs no promise or closure
// per record; Producer.send wraps this in a promise for callers that want one.

import type { RuleNodeError } from '../../errors.js'
import type { ProducerError } from '../errors.js'
import type { BatchRecord } from './record-batch.js'

/** A record's overhead in a v2 batch (length, attributes, deltas, lengths), as the Java producer estimates. */
export const RECORD_OVERHEAD = 21

/** How a record ended. */
export type SendOutcome =
  | {
      readonly kind: 'delivered'
      readonly topic: string
      readonly partition: number
      /** The record's offset; -1 when acks=0 (the broker does not answer), as Java reports it. */
      readonly offset: number
    }
  | {
      readonly kind: 'failed'
      /** A ProducerError, or another RuleNodeError (a refused login, say) or Error the client reported. */
      readonly error: ProducerError | RuleNodeError | Error
    }

/** A record on its way: what the batch encodes, its topic and size, and who hears its outcome. */
export interface OutgoingRecord extends BatchRecord {
  readonly topic: string
  /** Bytes the record takes in a batch (RECORD_OVERHEAD + key + value + headers), for batch.size and buffer.memory. */
  readonly size: number
  /** Called exactly once, when the record is delivered or has failed. */
  settle(outcome: SendOutcome): void
}
