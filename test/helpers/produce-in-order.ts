// Input records written by kafkajs, an independent client, for the tests of the Kafka input.

import type { Kafka, Message } from 'kafkajs'

/** Sends `records` to `topic` one at a time, so that the offsets in each partition follow the list. */
export async function produceInOrder(
  kafka: Kafka,
  topic: string,
  records: readonly Message[]
): Promise<void> {
  const producer = kafka.producer()
  await producer.connect()
  try {
    for (const record of records) await producer.send({ topic, messages: [record] })
  } finally {
    await producer.disconnect()
  }
}
