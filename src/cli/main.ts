#!/usr/bin/env node
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { ChainLoadError, RuleNodeError, ServiceError, UsageError, describeError } from '../errors.js'
import { createDefaultRegistry } from '../nodes/index.js'
import { describeNodes } from './describe-command.js'
import { createPinoLogger, LOG_LEVELS, type LogLevel } from './pino-logger.js'
import type { Logger } from '../engine/logger.js'
import { DEFAULT_MAX_LINE_BYTES, runChain } from './run-command.js'
import { demoUsage, describeUsage, mainUsage, runUsage } from './usage.js'
import { runDemo } from './demo-command.js'
import { loadDevices } from '../ingest/devices.js'
import { DEFAULT_GRACE_MS, HttpIngest } from '../ingest/http-ingest.js'
import { ServiceMetrics } from '../service/metrics.js'
import { replaySpool } from '../ingest/spooled-messages.js'
import { Spool } from '../spool/spool.js'
import { startProgress, type Progress } from './progress.js'

interface BrokerCli {
  runBroker(args: string[]): Promise<number>
  brokerUsage: string
}

async function loadBrokerCli(): Promise<BrokerCli> {
  // The development broker is loaded only when asked for: the engine never depends on it.
  const specifier = '../broker/cli.js'
  return (await import(specifier)) as BrokerCli
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
  return pkg.version
}

type OptionSpecs = Record<string, { type: 'string' | 'boolean'; short?: string }>

interface ParsedArgs {
  values: Record<string, string | boolean | undefined>
  positionals: string[]
}

function parse(args: string[], options: OptionSpecs): ParsedArgs {
  try {
    const parsed = parseArgs({
      args,
      options: { help: { type: 'boolean', short: 'h' }, ...options },
      allowPositionals: true
    })
    return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals }
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    'max-line-bytes': { type: 'string' },
    'log-level': { type: 'string' },
    http: { type: 'string' },
    host: { type: 'string' },
    devices: { type: 'string' },
    'http-grace-ms': { type: 'string' },
    'stub-unsupported': { type: 'boolean' },
    spool: { type: 'string' },
    'spool-max-bytes': { type: 'string' },
    'spool-segment-bytes': { type: 'string' }
  })
  if (values.help === true) {
    process.stdout.write(runUsage)
    return 0
  }
  const chainPath = positionals[0]
  if (chainPath === undefined || positionals.length > 1)
    throw new UsageError('run takes exactly one CHAIN.json')
  const level = (values['log-level'] ?? 'info') as string
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')} (got "${level}")`)
  }
  const maxText = (values['max-line-bytes'] ?? String(DEFAULT_MAX_LINE_BYTES)) as string
  const maxLineBytes = Number(maxText)
  if (!/^\d+$/.test(maxText) || maxLineBytes < 1) {
    throw new UsageError(`--max-line-bytes must be a positive integer (got "${maxText}")`)
  }
  const http = parseHttpOptions(values)
  const spoolSettings = parseSpoolOptions(values, http !== undefined)
  const stop = new AbortController()
  let signals = 0
  const onSignal = (signal: NodeJS.Signals): void => {
    if (++signals > 1) process.exit(signal === 'SIGINT' ? 130 : 143)
    process.stderr.write(
      `${signal}: stopping; messages in the chain are delivered or failed before exit (again to exit now)\n`
    )
    stop.abort()
  }
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)
  const logger = createPinoLogger(level as LogLevel)
  const metrics = new ServiceMetrics()
  let ingest: HttpIngest | undefined
  let progress: Progress | undefined
  let spool: Spool | undefined
  try {
    const summary = await runChain({
      chainPath,
      registry: createDefaultRegistry(),
      input: process.stdin,
      output: process.stdout,
      errors: process.stderr,
      logger,
      maxLineBytes,
      stop: stop.signal,
      untilStopped: http !== undefined,
      metricsFor: (node) => metrics.forNode(node),
      stubUnsupported: values['stub-unsupported'] === true,
      onStarted: async (chain) => {
        if (process.stderr.isTTY) progress = startProgress(chain, process.stderr)
        if (http === undefined) return
        metrics.attachChain(chain)
        const devices = await loadDevices(http.devices)
        if (spoolSettings !== undefined) {
          spool = await openSpool(spoolSettings, logger, metrics)
          // Before new input, so that a device's replayed messages go first.
          await replaySpool(spool, chain, logger)
        }
        ingest = new HttpIngest({
          chain,
          devices,
          logger,
          metrics,
          ...(spool === undefined ? {} : { spool })
        })
        const address = await ingest.listen(http.port, http.host)
        process.stderr.write(`http: listening on ${address.address}:${address.port}\n`)
      },
      onStopping: async () => {
        progress?.stop()
        await ingest?.close(http?.graceMs)
      }
    })
    return summary.outputError === undefined ? 0 : 1
  } finally {
    // After the chain is destroyed: every message has left it, and its done mark is queued.
    await spool?.close()
  }
}

async function openSpool(settings: SpoolSettings, logger: Logger, metrics: ServiceMetrics): Promise<Spool> {
  let spool: Spool
  try {
    spool = await Spool.open({ ...settings, logger, onSync: metrics.spoolSyncObserver() })
  } catch (error) {
    throw new ServiceError(`cannot open the spool in ${settings.dir}: ${(error as Error).message}`, {
      cause: error
    })
  }
  metrics.attachSpool(spool)
  return spool
}

interface SpoolSettings {
  readonly dir: string
  readonly maxBytes: number
  readonly segmentBytes: number
}

const DEFAULT_SPOOL_MAX_BYTES = 1 << 30
const DEFAULT_SPOOL_SEGMENT_BYTES = 16 << 20

function parseSpoolOptions(values: ParsedArgs['values'], http: boolean): SpoolSettings | undefined {
  const dir = values.spool
  if (dir === undefined) {
    if (values['spool-max-bytes'] !== undefined || values['spool-segment-bytes'] !== undefined)
      throw new UsageError('--spool-max-bytes and --spool-segment-bytes need --spool DIR')
    return undefined
  }
  if (!http) throw new UsageError('--spool needs --http PORT (it keeps what the HTTP front accepts)')
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
  return { dir, maxBytes, segmentBytes }
}

interface HttpSettings {
  readonly port: number
  readonly host: string
  readonly devices: string
  readonly graceMs: number
}

function parseHttpOptions(values: ParsedArgs['values']): HttpSettings | undefined {
  const port = values.http
  if (port === undefined) {
    if (values.devices !== undefined || values.host !== undefined || values['http-grace-ms'] !== undefined)
      throw new UsageError('--devices, --host and --http-grace-ms need --http PORT')
    return undefined
  }
  if (typeof port !== 'string' || !/^\d+$/.test(port) || Number(port) > 65535) {
    throw new UsageError(`--http must be a port number 0-65535 (got "${String(port)}")`)
  }
  if (typeof values.devices !== 'string')
    throw new UsageError('--http needs --devices FILE (access token -> device)')
  const host = typeof values.host === 'string' ? values.host : '127.0.0.1'
  const grace = values['http-grace-ms'] ?? String(DEFAULT_GRACE_MS)
  if (typeof grace !== 'string' || !/^\d+$/.test(grace))
    throw new UsageError(`--http-grace-ms must be a whole number of milliseconds (got "${String(grace)}")`)
  return { port: Number(port), host, devices: values.devices, graceMs: Number(grace) }
}

/** Runs the command line; resolves with the exit status. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  switch (command) {
    case 'run':
      return run(rest)
    case 'broker':
      return (await loadBrokerCli()).runBroker(rest)
    case 'describe': {
      const { values, positionals } = parse(rest, {})
      process.stdout.write(
        values.help === true ? describeUsage : describeNodes(createDefaultRegistry(), positionals[0])
      )
      return 0
    }
    case 'demo': {
      const { values } = parse(rest, {})
      if (values.help === true) {
        process.stdout.write(demoUsage)
        return 0
      }
      return runDemo()
    }
    case 'help': {
      const topic = rest[0]
      if (topic === 'run') process.stdout.write(runUsage)
      else if (topic === 'describe') process.stdout.write(describeUsage)
      else if (topic === 'demo') process.stdout.write(demoUsage)
      else if (topic === 'broker') process.stdout.write((await loadBrokerCli()).brokerUsage)
      else process.stdout.write(mainUsage)
      return 0
    }
    case '--version':
    case '-v':
      process.stdout.write(`${version()}\n`)
      return 0
    case undefined:
    case '--help':
    case '-h':
      process.stdout.write(mainUsage)
      return 0
    default:
      throw new UsageError(`unknown command "${command}"`)
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`kafka-rule-node: ${error.message}\nRun \`kafka-rule-node --help\` for usage.\n`)
      process.exitCode = 2
    } else if (error instanceof ChainLoadError || error instanceof RuleNodeError) {
      process.stderr.write(`kafka-rule-node: ${error.name}: ${error.message}\n`)
      process.exitCode = 1
    } else {
      process.stderr.write(`kafka-rule-node: ${describeError(error)}\n${(error as Error).stack ?? ''}\n`)
      process.exitCode = 1
    }
  }
)
