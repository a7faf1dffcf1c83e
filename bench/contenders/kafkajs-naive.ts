// What Node-RED's Kafka nodes do: one kafkajs send per message, its offset awaited.

import { Kafka, logLevel } from 'kafkajs'
import type { ContenderRun } from './run.js'

/** One kafkajs send per message, many outstanding. */
export async function runKafkajsNaive(run: ContenderRun): Promise<void> {
  const kafka = new Kafka({ clientId: 'bench-kafkajs', brokers: [run.broker], logLevel: logLevel.NOTHING })
  const producer = kafka.producer({ allowAutoTopicCreation: true })
  await producer.connect()
  let done = 0
  let failed = 0
  await run.offer(run.items.length, async (i) => {
    const item = run.items[i]
    if (item === undefined) return
    const started = performance.now()
    try {
      const [result] = await producer.send({
        topic: run.topic,
        acks: -1,
        messages: [{ key: item.key, value: item.value, headers: { ...item.metadata } }]
      })
      if (result !== undefined && result.errorCode === 0) done++
      else failed++
    } catch {
      failed++
    }
    run.latency(performance.now() - started)
  })
  run.finish(done, failed)
  await producer.disconnect()
}
