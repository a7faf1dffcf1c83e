// Rows measured in rounds, the order rotating each round, and their throughput ratios taken
// within each round: on a machine shared with other work, two rows minutes apart can see
// different machines, two rows seconds apart in the same round much less so.

/** What these tables need of a measured row (main.ts's Row has all of it). */
export interface RoundRow {
  readonly name: string
  readonly messages: number
  readonly bodyBytes: number
  readonly seconds: number
  readonly cpuSeconds: number
  readonly valid: boolean
  readonly round?: number
}

/**
 * Measures each of `names` once per round, the first one a place later each round; a row that
 * `measure` gives as undefined (it could not be measured) is left out.
 */
export async function inRounds<R extends RoundRow>(
  names: readonly string[],
  rounds: number,
  measure: (name: string, round: number) => Promise<R | undefined>
): Promise<R[]> {
  const rows: R[] = []
  for (let round = 1; round <= rounds; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round - 1) % names.length] as string
      const row = await measure(name, round)
      if (row !== undefined) rows.push({ ...row, round })
    }
  }
  return rows
}

const fmt = (n: number, digits: number): string =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a'

/** The median of the finite values; NaN when there are none. */
export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b)
  if (sorted.length === 0) return Number.NaN
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** Messages per second (NaN for a row that is not valid). */
export const rateOf = (row: RoundRow | undefined): number =>
  row === undefined || !row.valid ? Number.NaN : row.messages / row.seconds

/** MB per second of records, counted as body + 60 bytes as the throughput tables count them. */
export const megabytesOf = (row: RoundRow | undefined): number =>
  rateOf(row) * (((row?.bodyBytes ?? 0) + 60) / 1e6)

/** µs of the contender's CPU per message. */
export const cpuMicrosOf = (row: RoundRow | undefined): number =>
  row === undefined ? Number.NaN : (row.cpuSeconds * 1e6) / row.messages

/**
 * One line per pair: `measure(a) ÷ measure(b)` in each round, and the median over the rounds.
 * `measure` defaults to messages per second.
 */
export function ratioTable(
  rows: readonly RoundRow[],
  pairs: readonly (readonly [string, string])[],
  rounds: number,
  measure: (row: RoundRow | undefined) => number = rateOf
): string {
  const find = (name: string, round: number): RoundRow | undefined =>
    rows.find((r) => r.name === name && (r.round ?? 1) === round)
  const numbers = Array.from({ length: rounds }, (_, i) => i + 1)
  const lines = pairs.map(([a, b]) => {
    const each = numbers.map((round) => measure(find(a, round)) / measure(find(b, round)))
    return `| ${a} ÷ ${b} | ${each.map((v) => fmt(v, 2)).join(' | ')} | ${fmt(median(each), 2)} |`
  })
  const header = `| ratio | ${numbers.map((n) => `round ${n}`).join(' | ')} | median |`
  return [header, `|---|${numbers.map(() => '---|').join('')}---|`, ...lines].join('\n')
}
