// What a naive node does: one @platformatic/kafka send per message, its offset awaited.

import { Producer, stringSerializers } from '@platformatic/kafka'
import type { ContenderRun } from './run.js'

/** One send per message, many outstanding. */
export async function runPlatformaticNaive(run: ContenderRun): Promise<void> {
  const producer = new Producer({
    clientId: 'bench-naive',
    bootstrapBrokers: [run.broker],
    serializers: stringSerializers,
    acks: -1,
    autocreateTopics: true
  })
  let done = 0
  let failed = 0
  await run.offer(run.items.length, async (i) => {
    const item = run.items[i]
    if (item === undefined) return
    const started = performance.now()
    try {
      const result = await producer.send({
        messages: [
          {
            topic: run.topic,
            key: item.key,
            value: item.value,
            headers: new Map(Object.entries(item.metadata))
          }
        ]
      })
      if (result.offsets?.[0] !== undefined) done++
      else failed++
    } catch {
      failed++
    }
    run.latency(performance.now() - started)
  })
  run.finish(done, failed)
  await producer.close()
}
