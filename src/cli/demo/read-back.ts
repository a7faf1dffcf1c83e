// Reads the demo's topics back with an independent consumer (@platformatic/kafka's Consumer), so
// that what the demo prints is what a Kafka consumer sees, not what the node believes it sent.

import { Consumer, stringDeserializers } from '../../kafka/client.js'

/** One record as a consumer received it. */
export interface ConsumedRecord {
  readonly topic: string
  readonly partition: number
  readonly offset: bigint
  readonly key: string
  readonly value: string
  readonly headers: ReadonlyMap<string, string>
}

/** Consumes `topics` from the beginning until `expected` records arrived or `timeoutMs` passed. */
export async function readBack(options: {
  bootstrapServers: string
  topics: readonly string[]
  expected: number
  timeoutMs: number
}): Promise<ConsumedRecord[]> {
  const records: ConsumedRecord[] = []
  if (options.expected === 0) return records
  const consumer = new Consumer({
    groupId: `kafka-rule-node-demo-${process.pid}-${Date.now()}`,
    clientId: 'kafka-rule-node-demo-reader',
    bootstrapBrokers: options.bootstrapServers.split(','),
    deserializers: stringDeserializers
  })
  // On a timeout, closing the consumer ends the stream (or the join still under way).
  const timer = setTimeout(() => consumer.close(true, () => {}), options.timeoutMs)
  const stream = await consumer.consume({
    topics: [...options.topics],
    mode: 'earliest',
    autocommit: false,
    maxWaitTime: 200
  })
  try {
    for await (const message of stream) {
      records.push({
        topic: message.topic,
        partition: message.partition,
        offset: message.offset,
        key: message.key,
        value: message.value,
        headers: message.headers
      })
      if (records.length >= options.expected) break
    }
  } finally {
    clearTimeout(timer)
    await stream.close().catch(() => {})
    await new Promise<void>((resolve) => consumer.close(true, () => resolve()))
  }
  return records.sort(
    (a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition || Number(a.offset - b.offset)
  )
}
