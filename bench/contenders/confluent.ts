// @confluentinc/kafka-javascript (librdkafka underneath) through its callback API, the
// node-rdkafka-style Producer: produce() per record and delivery reports, with librdkafka's
// throughput defaults (linger.ms 5, up to 10,000 records or 1 MB per batch), acks=all, the
// delivery reports polled on librdkafka's own thread (setPollInBackground, the package's advice
// for high throughput), and the node-default rows' records: key, body and the four
// `tb_msg_md_*` headers. Loaded from the bench's cache (confluent-install.ts).

import { createRequire } from 'node:module'
import { CONFLUENT_PACKAGE } from '../confluent-install.js'
import type { ContenderRun } from './run.js'

// The little of the package's types this uses: the package is not installed for type checking.
interface DeliveryReport {
  readonly opaque: number
}
interface Producer {
  connect(options: object, callback: (error: Error | null) => void): void
  setPollInBackground(set: boolean): void
  produce(
    topic: string,
    partition: null,
    value: Buffer,
    key: string,
    timestamp: null,
    opaque: number,
    headers: Record<string, string>[]
  ): void
  on(event: 'delivery-report', listener: (error: Error | null, report: DeliveryReport) => void): void
  disconnect(callback: () => void): void
}
interface Confluent {
  readonly Producer: new (config: Record<string, string | number | boolean>) => Producer
  readonly CODES: { readonly ERRORS: { readonly ERR__QUEUE_FULL: number } }
}

/** produce() per record as fast as librdkafka's queue takes them; done when every report is in. */
export async function runConfluent(run: ContenderRun): Promise<void> {
  const { Producer, CODES } = createRequire(import.meta.url)(CONFLUENT_PACKAGE) as Confluent
  const producer = new Producer({
    'bootstrap.servers': run.broker,
    acks: 'all',
    dr_cb: true,
    'linger.ms': 5,
    'enable.idempotence': false
  })
  await new Promise<void>((resolve, reject) =>
    producer.connect({}, (error) => (error === null ? resolve() : reject(error)))
  )
  producer.setPollInBackground(true)

  const sentAt = new Float64Array(run.items.length)
  let produced = 0
  let done = 0
  let failed = 0
  // Records librdkafka's queue had no room for, in order, each with what to call once it is in.
  const blocked: { readonly index: number; readonly taken: () => void }[] = []
  let whenAllReported: (() => void) | undefined
  producer.on('delivery-report', (error, report) => {
    if (error === null) done++
    else failed++
    run.latency(performance.now() - (sentAt[report.opaque] as number))
    // A delivery makes room in the queue: the records that waited for it go first.
    while (blocked.length > 0 && tryProduce((blocked[0] as (typeof blocked)[number]).index))
      blocked.shift()?.taken()
    if (done + failed === produced) whenAllReported?.()
  })
  const allReported = (): Promise<void> =>
    done + failed === produced ? Promise.resolve() : new Promise((resolve) => (whenAllReported = resolve))

  // Produces record `i`; false when librdkafka's queue is full (a caller of produce() must wait).
  const tryProduce = (i: number): boolean => {
    const item = run.items[i] as (typeof run.items)[number]
    const headers = [
      { tb_msg_md_deviceName: item.metadata.deviceName as string },
      { tb_msg_md_deviceType: item.metadata.deviceType as string },
      { tb_msg_md_ts: item.metadata.ts as string },
      { tb_msg_md_benchIndex: String(i) }
    ]
    sentAt[i] = performance.now()
    try {
      producer.produce(run.topic, null, Buffer.from(item.value), item.key, null, i, headers)
    } catch (error) {
      if ((error as { code?: unknown }).code === CODES.ERRORS.ERR__QUEUE_FULL) return false
      throw error
    }
    produced++
    return true
  }
  await run.offer(
    run.items.length,
    (i) => {
      if (blocked.length === 0 && tryProduce(i)) return undefined
      return new Promise<void>((taken) => blocked.push({ index: i, taken }))
    },
    allReported
  )
  await allReported()
  run.finish(done, failed)
  await new Promise<void>((resolve) => producer.disconnect(resolve))
}
