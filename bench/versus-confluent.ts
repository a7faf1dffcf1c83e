// node-default and node-tuned against @confluentinc/kafka-javascript on the development broker, in
// rounds: the fastest Node.js client a user could pick instead, with its best settings, against the
// node with ThingsBoard's defaults and with its own best settings (linger 5 ms, 256 KiB batches). The package is installed on demand
// (confluent-install.ts); where it cannot be, the rows are skipped and the reason printed.

import { ensureConfluent, type ConfluentStatus } from './confluent-install.js'
import { inRounds, ratioTable, type RoundRow } from './rounds.js'

export interface ConfluentResults<R extends RoundRow> {
  readonly status: ConfluentStatus
  readonly rows: R[]
}

/** Installs the package if needed, then node-default, node-tuned and confluent in `rounds` rounds. */
export async function benchConfluent<R extends RoundRow>(
  measure: (name: string) => Promise<R>,
  rounds: number,
  log: (line: string) => void
): Promise<ConfluentResults<R>> {
  const status = await ensureConfluent(log)
  if (!status.ok) {
    log(`@confluentinc/kafka-javascript skipped: ${status.reason}`)
    return { status, rows: [] }
  }
  try {
    const rows = await inRounds(['node-default', 'node-tuned', 'confluent'], rounds, (name, round) => {
      log(`versus confluent: ${name} (round ${round} of ${rounds})`)
      return measure(name)
    })
    return { status, rows }
  } catch (error) {
    // A contender that installed but cannot run here (a crash, a missing library) skips the rows.
    const reason = `a row failed: ${error instanceof Error ? error.message : String(error)}`
    log(`@confluentinc/kafka-javascript skipped: ${reason}`)
    return { status: { ok: false, reason }, rows: [] }
  }
}

/** node-default and node-tuned ÷ confluent per round, or why the rows were skipped. */
export function confluentRatios<R extends RoundRow>(results: ConfluentResults<R>, rounds: number): string {
  if (!results.status.ok) return `confluent: skipped, ${results.status.reason}`
  return [
    `@confluentinc/kafka-javascript with librdkafka ${results.status.librdkafka}:`,
    ratioTable(
      results.rows,
      [
        ['node-default', 'confluent'],
        ['node-tuned', 'confluent']
      ],
      rounds
    )
  ].join('\n')
}
