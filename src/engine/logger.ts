/** The logging surface that nodes and the runtime write to; pino's loggers satisfy it. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

type Level = 'debug' | 'info' | 'warn' | 'error' | 'silent'
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }

/** A logger that writes one plain line per entry to a stream (stderr by default). */
export function createStreamLogger(
  options: { level?: Level; stream?: { write(line: string): unknown }; name?: string } = {}
): Logger {
  const threshold = ORDER[options.level ?? 'info']
  const stream = options.stream ?? process.stderr
  const prefix = options.name === undefined ? '' : `[${options.name}] `
  const write = (level: Level, message: string, fields?: Record<string, unknown>): void => {
    if (ORDER[level] < threshold) return
    const extra = fields === undefined ? '' : ' ' + JSON.stringify(fields)
    stream.write(`${level.toUpperCase()} ${prefix}${message}${extra}\n`)
  }
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f)
  }
}

/** A logger that drops everything. */
export const silentLogger: Logger = createStreamLogger({ level: 'silent' })
