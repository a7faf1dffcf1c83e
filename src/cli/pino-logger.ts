import { pino } from 'pino'
import type { Logger } from '../engine/logger.js'

/** The log levels `--log-level` takes. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

/**
 * A structured logger writing JSON lines to stderr (file descriptor 2), synchronously so none is
 * lost at exit; or to `destination` (a run in-process, in tests).
 */
export function createPinoLogger(
  level: LogLevel,
  destination: { write(line: string): unknown } = pino.destination({ dest: 2, sync: true })
): Logger {
  const log = pino({ level, base: null }, destination)
  return {
    debug: (message, fields) => log.debug(fields ?? {}, message),
    info: (message, fields) => log.info(fields ?? {}, message),
    warn: (message, fields) => log.warn(fields ?? {}, message),
    error: (message, fields) => log.error(fields ?? {}, message)
  }
}
