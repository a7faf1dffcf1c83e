// TbKafkaNode: publishes each message's data to Kafka and passes the message on `Success` with
// its topic, partition and offset, or on `Failure` with the error. The node adapts ThingsBoard's
// configuration and messages to the producer (src/kafka/producer): topic and key patterns,
// metadata as headers, metrics and health; the producer batches (accumulator -> sender, one
// produce request per broker) so that linger.ms, batch.size, buffer.memory, retries and
// delivery.timeout.ms keep the Java producer's meaning.

import type { NodeDefinition } from '../../engine/registry.js'
import { Relation } from '../../engine/relations.js'
import type { MsgContext, NodeContext, RuleNode } from '../../engine/rule-node.js'
import type { NodeHealth } from '../../engine/node-metrics.js'
import type { TbMsg } from '../../msg/message.js'
import { ProducerClosedError } from '../../kafka/errors.js'
import { Producer } from '../../kafka/producer/producer.js'
import { propertyHelpText } from '../../kafka/producer/property-table.js'
import { kafkaNodeConfigSpec, parseKafkaNodeConfig, type KafkaNodeConfig } from './config.js'
import { javaUtf8Text } from './charset.js'
import { MetadataHeaders } from './metadata-headers.js'
import { KafkaMetrics } from './kafka-metrics.js'
import { PendingRecord } from './pending-record.js'
import { tellKafkaFailure } from './failure.js'

/** The Kafka node. */
export class KafkaNode implements RuleNode {
  #config!: KafkaNodeConfig
  #ctx!: NodeContext
  #producer!: Producer<PendingRecord>
  #headers: MetadataHeaders | undefined
  #closing = false

  init(ctx: NodeContext, configuration: unknown): void {
    this.#ctx = ctx
    this.#config = parseKafkaNodeConfig(configuration, (warning) =>
      ctx.logger.warn(`node "${ctx.nodeName}": ${warning}`)
    )
    if (this.#config.headers !== undefined) this.#headers = new MetadataHeaders(this.#config.headers)
    this.#producer = new Producer<PendingRecord>({
      settings: this.#config.producer,
      headers: this.#headers,
      context: { node: ctx.nodeName },
      metrics: new KafkaMetrics(ctx.metrics, this)
    })
  }

  /** Bytes held by accepted records (for metrics). */
  get bufferUsed(): number {
    return this.#producer.bufferUsed
  }

  /** Produce requests under way (for metrics). */
  get inFlight(): number {
    return this.#producer.inFlight
  }

  onMsg(ctx: MsgContext, msg: TbMsg): Promise<void> | undefined {
    if (this.#closing) {
      // Returned, not dropped: the caller waits on the nodes downstream of Failure, and the engine
      // turns their rejection into Failure there.
      return tellKafkaFailure(
        ctx,
        msg,
        new ProducerClosedError('the Kafka node is stopping; message not sent', { node: this.#ctx.nodeName })
      )
    }
    const topic = this.#config.topic.resolve(msg)
    // Key and value are written as the StringSerializer writes them (UTF-8, a lone surrogate as '?').
    const pattern = this.#config.key?.resolve(msg)
    const record = new PendingRecord(
      ctx,
      msg,
      topic,
      pattern === undefined ? undefined : javaUtf8Text(pattern),
      javaUtf8Text(msg.data),
      this.#headers
    )
    const refused = this.#producer.refusal(record)
    if (refused !== undefined) return tellKafkaFailure(ctx, msg, refused)
    // No room: the caller waits until records complete (buffer.memory), as Java's send() blocks.
    return this.#producer
      .append(record)
      ?.then(undefined, (error: unknown) => tellKafkaFailure(ctx, msg, error))
  }

  health(): NodeHealth {
    const servers = this.#config.producer.bootstrapServers.join(',')
    const health = this.#producer.health
    if (health.ok) return { ok: true, detail: `connected to ${servers}` }
    return { ok: false, detail: `cannot reach ${servers}: ${health.reason}` }
  }

  /** No more input: what the accumulator holds, and all that comes after, goes out without a linger. */
  endOfInput(): void {
    void this.#producer.flush({ endOfInput: true })
  }

  async destroy(): Promise<void> {
    this.#closing = true
    // Records still waiting for buffer room cannot be accepted any more; every accepted record is
    // delivered or failed before the producer closes.
    await this.#producer.close(
      new ProducerClosedError('the Kafka node stopped before the message was accepted', {
        node: this.#ctx.nodeName
      })
    )
  }
}

/** The Kafka node, as registered. */
export const kafkaNodeDefinition: NodeDefinition = {
  type: 'org.thingsboard.rule.engine.kafka.TbKafkaNode',
  alias: 'kafka',
  description:
    'Publishes the message data to a Kafka topic; adds offset, partition and topic on "Success", error on "Failure".',
  relations: [Relation.SUCCESS, Relation.FAILURE],
  config: kafkaNodeConfigSpec,
  details: [
    {
      title: 'Producer properties (otherProperties, Java names; they override the fields above):',
      text: propertyHelpText()
    }
  ],
  create: () => new KafkaNode()
}
