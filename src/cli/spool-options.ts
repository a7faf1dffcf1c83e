// `run --spool DIR`: the options of the durable spool, and opening it for the service.

import type { Logger } from '../engine/logger.js'
import { ServiceError, UsageError } from '../errors.js'
import type { ServiceMetrics } from '../service/metrics.js'
import { DEFAULT_LOOP_SYNC_MS, Spool } from '../spool/spool.js'

/** Parsed command-line values, as node:util's parseArgs gives them. */
type OptionValues = Record<string, string | boolean | string[] | undefined>

export async function openSpool(
  settings: SpoolSettings,
  logger: Logger,
  metrics: ServiceMetrics
): Promise<Spool> {
  let spool: Spool
  try {
    spool = await Spool.open({
      ...settings,
      preallocateBytes: SPOOL_PREALLOCATE_BYTES,
      logger,
      onSync: metrics.spoolSyncObserver()
    })
  } catch (error) {
    throw new ServiceError(`cannot open the spool in ${settings.dir}: ${(error as Error).message}`, {
      cause: error
    })
  }
  metrics.attachSpool(spool)
  return spool
}

export interface SpoolSettings {
  readonly dir: string
  readonly maxBytes: number
  readonly segmentBytes: number
  /** Syncs on the event loop while they take at most this on average (ms); 0: on the thread pool. */
  readonly loopSyncMs: number
}

const DEFAULT_SPOOL_MAX_BYTES = 1 << 30
// Zeros written ahead of the records: one sync in this many bytes commits a new file size.
const SPOOL_PREALLOCATE_BYTES = 1 << 20
const DEFAULT_SPOOL_SEGMENT_BYTES = 16 << 20
// The options that tune a spool, each a usage error without --spool.
const SPOOL_TUNING = ['spool-max-bytes', 'spool-segment-bytes', 'spool-loop-sync-ms'] as const

export function parseSpoolOptions(values: OptionValues, hasFront: boolean): SpoolSettings | undefined {
  const dir = values.spool
  if (dir === undefined) {
    const given = SPOOL_TUNING.filter((name) => values[name] !== undefined)
    if (given.length > 0)
      throw new UsageError(
        `${given.map((name) => `--${name}`).join(', ')} need${given.length === 1 ? 's' : ''} --spool DIR`
      )
    return undefined
  }
  if (!hasFront)
    throw new UsageError('--spool needs --http PORT or --mqtt PORT (it keeps what the device fronts accept)')
  if (typeof dir !== 'string' || dir === '') throw new UsageError('--spool needs a directory')
  const bytes = (name: string, fallback: number): number => {
    const text = values[name] ?? String(fallback)
    if (typeof text !== 'string' || !/^\d+$/.test(text) || Number(text) < 1)
      throw new UsageError(`--${name} must be a positive whole number of bytes (got "${String(text)}")`)
    return Number(text)
  }
  const maxBytes = bytes('spool-max-bytes', DEFAULT_SPOOL_MAX_BYTES)
  const segmentBytes = bytes(
    'spool-segment-bytes',
    Math.max(1, Math.min(DEFAULT_SPOOL_SEGMENT_BYTES, Math.floor(maxBytes / 4)))
  )
  // The segment being written is deleted only once rolled: two must fit for a full spool to drain.
  if (segmentBytes > maxBytes / 2) {
    throw new UsageError(
      `--spool-segment-bytes must be at most half of --spool-max-bytes (got ${segmentBytes} and ${maxBytes})`
    )
  }
  const syncText = values['spool-loop-sync-ms'] ?? String(DEFAULT_LOOP_SYNC_MS)
  if (typeof syncText !== 'string' || !/^\d+(\.\d+)?$/.test(syncText))
    throw new UsageError(
      `--spool-loop-sync-ms must be a number of milliseconds, 0 or more (got "${String(syncText)}")`
    )
  return { dir, maxBytes, segmentBytes, loopSyncMs: Number(syncText) }
}
