// The plain `npm run bench` on Apache Kafka too: after the development broker's rows, one Apache
// Kafka broker (as `--broker kafka` starts it) for node-default, the Java producer configured as
// ThingsBoard configures it (java-default) and, when it is installed, @confluentinc/kafka-javascript,
// in rounds, their ratios within each round; then the broker stops. The full contender set on
// Kafka stays `--broker kafka`.

import { startKafkaBroker, type BenchBroker } from './brokers.js'
import { inRounds, ratioTable, type RoundRow } from './rounds.js'

/** Measures rows on Kafka in `rounds` rounds; `confluent` says whether that row can run. */
export async function benchOnKafka<R extends RoundRow>(
  measure: (broker: BenchBroker, name: string) => Promise<R>,
  options: { readonly rounds: number; readonly confluent: boolean },
  log: (line: string) => void
): Promise<R[]> {
  log('starting Apache Kafka (one broker, KRaft) for node-default ÷ the Java producer')
  const broker = await startKafkaBroker()
  try {
    const names = ['node-default', 'java-default', ...(options.confluent ? ['confluent'] : [])]
    return await inRounds(names, options.rounds, async (name, round) => {
      log(`on Apache Kafka: ${name} (round ${round} of ${options.rounds})`)
      if (name !== 'confluent') return measure(broker, name)
      // The optional contender: should it fail here, its rows are left out, not the section.
      return measure(broker, name).catch((error: unknown) => {
        log(`on Apache Kafka: confluent skipped: ${error instanceof Error ? error.message : String(error)}`)
        return undefined
      })
    })
  } finally {
    await broker.stop()
  }
}

/** The ratios of node-default to the others, within each round. */
export function onKafkaRatios(rows: readonly RoundRow[], rounds: number): string {
  const others = [...new Set(rows.map((r) => r.name))].filter((n) => n !== 'node-default')
  return ratioTable(
    rows,
    others.map((name) => ['node-default', name] as const),
    rounds
  )
}
