// One message on its way to Kafka: what the batch needs to encode it and what the node needs to
// answer it. Many thousands wait at once under load, so it holds references and small numbers
// only.

import type { MsgContext } from '../../engine/rule-node.js'
import type { TbMsg } from '../../msg/message.js'
import type { BatchRecord } from '../../kafka/producer/record-batch.js'

/** A record accepted by the node and not yet answered. */
export class PendingRecord implements BatchRecord {
  constructor(
    readonly ctx: MsgContext,
    readonly msg: TbMsg,
    readonly topic: string,
    readonly key: string | undefined,
    readonly keyBytes: number,
    /** The message's data as the record value (the same string unless it held a lone surrogate). */
    readonly value: string,
    readonly valueBytes: number,
    readonly headers: Readonly<Record<string, string>> | undefined,
    readonly headerCount: number,
    readonly headerBytes: number,
    /** Bytes the record takes in a batch, for batch.size and buffer.memory. */
    readonly size: number
  ) {}

  /**
   * The record's CreateTime: when the node accepted it. ThingsBoard's node gives its ProducerRecord
   * no timestamp, so the Java producer stamps the record at send(), not with the message's ts.
   */
  readonly timestamp = Date.now()
}
