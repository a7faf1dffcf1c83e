// One message on its way to Kafka: what the batch needs to encode it and what the node needs to
// answer it. Many thousands wait at once under load, so it holds references and small numbers
// only; key, value and headers are written into the batch when it closes.

import type { MsgContext } from '../../engine/rule-node.js'
import type { TbMsg } from '../../msg/message.js'
import {
  RECORD_OVERHEAD,
  type OutgoingRecord,
  type SendOutcome
} from '../../kafka/producer/outgoing-record.js'
import type { MetadataHeaders } from './metadata-headers.js'
import { tellKafkaFailure } from './failure.js'

/** A record accepted by the node and not yet answered; it answers the message when it settles. */
export class PendingRecord implements OutgoingRecord {
  readonly ctx: MsgContext
  readonly msg: TbMsg
  readonly topic: string
  readonly key: string | undefined
  readonly keyBytes: number
  readonly value: string
  readonly valueBytes: number
  readonly headers: Readonly<Record<string, string>> | undefined
  readonly headerCount: number
  readonly headerBytes: number
  /** Bytes the record takes in a batch, for batch.size and buffer.memory. */
  readonly size: number
  /**
   * The record's CreateTime: when the node accepted it. ThingsBoard's node gives its ProducerRecord
   * no timestamp, so the Java producer stamps the record at send(), not with the message's ts.
   */
  readonly timestamp = Date.now()

  /**
   * `key` is the key as the StringSerializer writes it (undefined: none), `value` the message's
   * data as the record value (the same string unless it held a lone surrogate), `headers` how the
   * metadata is sent as headers (undefined: no headers). Arguments rather than an options object:
   * one is built per message.
   */
  constructor(
    ctx: MsgContext,
    msg: TbMsg,
    topic: string,
    key: string | undefined,
    value: string,
    headers: MetadataHeaders | undefined
  ) {
    this.ctx = ctx
    this.msg = msg
    this.topic = topic
    this.key = key
    this.keyBytes = key === undefined ? 0 : Buffer.byteLength(key, 'utf8')
    this.value = value
    this.valueBytes = Buffer.byteLength(value, 'utf8')
    // Only a reference to the metadata is kept: the batch writes the entries when it closes.
    this.headers = headers === undefined ? undefined : msg.metadata
    this.headerBytes = headers === undefined ? 1 : headers.measure(msg.metadata)
    this.headerCount = headers === undefined ? 0 : headers.lastCount
    this.size = RECORD_OVERHEAD + this.keyBytes + this.valueBytes + this.headerBytes
  }

  /** Passes the message on: Success with topic, partition and offset, or Failure with the error. */
  settle(outcome: SendOutcome): void {
    // Told from the producer's callback, where no caller waits to be slowed down; the acceptance
    // does not reject on a downstream node's error (the engine makes that Failure there).
    if (outcome.kind === 'failed') {
      void tellKafkaFailure(this.ctx, this.msg, outcome.error)
      return
    }
    void this.ctx.tellSuccess(
      this.msg.withMetadata({
        // Not String(): V8 keeps the last thousands of numbers it turned into strings in a cache
        // that lives in the old generation, so every offset's string would outlive the next
        // young-generation collection and be copied by it; toFixed(0) writes the same digits.
        offset: outcome.offset.toFixed(0),
        partition: String(outcome.partition),
        topic: outcome.topic
      })
    )
  }
}
