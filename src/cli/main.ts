#!/usr/bin/env node
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { ChainLoadError, ConfigError, RuleNodeError, UsageError, describeError } from '../errors.js'
import { createDefaultRegistry } from '../nodes/index.js'
import { describeNodes } from './describe-command.js'
import { createPinoLogger, LOG_LEVELS, type LogLevel } from './pino-logger.js'
import { DEFAULT_MAX_LINE_BYTES, runChain } from './run-command.js'
import { demoUsage, describeUsage, mainUsage, runUsage } from './usage.js'
import { runDemo } from './demo-command.js'
import { loadDevices } from '../ingest/devices.js'
import { DEFAULT_GRACE_MS, HttpIngest } from '../ingest/http-ingest.js'
import { chainAcceptor, spoolAcceptor, type Acceptor } from '../ingest/acceptance.js'
import { replaySpool } from '../ingest/spooled-messages.js'
import type { Spool } from '../spool/spool.js'
import { openSpool, parseSpoolOptions } from './spool-options.js'
import type { Device } from '../ingest/devices.js'
import { MqttIngest, type MqttTls } from '../ingest/mqtt/mqtt-ingest.js'
import { readFile } from 'node:fs/promises'
import { ServiceMetrics } from '../service/metrics.js'
import { startProgress, type Progress } from './progress.js'
import { KAFKA_INPUT_OPTIONS, parseKafkaInputOptions, startKafkaInput } from './kafka-input-options.js'
import type { KafkaInput } from '../ingest/kafka-input/kafka-input.js'
import { describeClientError } from '../kafka/errors.js'
import { Readable } from 'node:stream'

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

type OptionSpecs = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>

interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>
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
    mqtt: { type: 'string' },
    'mqtt-tls-cert': { type: 'string' },
    'mqtt-tls-key': { type: 'string' },
    'stub-unsupported': { type: 'boolean' },
    spool: { type: 'string' },
    'spool-max-bytes': { type: 'string' },
    'spool-segment-bytes': { type: 'string' },
    'spool-loop-sync-ms': { type: 'string' },
    ...KAFKA_INPUT_OPTIONS
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
  const logger = createPinoLogger(level as LogLevel)
  const kafka = parseKafkaInputOptions(values, (message) => logger.warn(message))
  const fronts = parseFrontOptions(values, kafka !== undefined)
  const { http, mqtt } = fronts
  // A Kafka input needs no spool: what has not left the chain is not committed, and is read again.
  if (values.spool !== undefined && fronts.http !== undefined && fronts.devices === undefined)
    throw new UsageError('--spool needs --devices FILE (it keeps what the device fronts accept)')
  const spoolSettings = parseSpoolOptions(values, fronts.devices !== undefined)
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
  const metrics = new ServiceMetrics()
  let ingest: HttpIngest | undefined
  let mqttIngest: MqttIngest | undefined
  let progress: Progress | undefined
  let spool: Spool | undefined
  let kafkaInput: KafkaInput | undefined
  let inputFailed = false
  try {
    const summary = await runChain({
      chainPath,
      registry: createDefaultRegistry(),
      // Fed from Kafka, the chain does not read stdin.
      input: kafka === undefined ? process.stdin : Readable.from([]),
      output: process.stdout,
      errors: process.stderr,
      logger,
      maxLineBytes,
      stop: stop.signal,
      untilStopped: fronts.http !== undefined || fronts.mqtt !== undefined || kafka !== undefined,
      metricsFor: (node) => metrics.forNode(node),
      stubUnsupported: values['stub-unsupported'] === true,
      onStarted: async (chain) => {
        if (process.stderr.isTTY) progress = startProgress(chain, process.stderr)
        if (kafka !== undefined) {
          kafkaInput = await startKafkaInput(kafka, chain, logger, (error) => {
            process.stderr.write(`kafka input failed: ${describeClientError(error)}; stopping\n`)
            inputFailed = true
            stop.abort()
          })
          const member = kafkaInput.membership()
          process.stderr.write(
            `kafka input: member ${member.memberId ?? '?'} of group ${member.groupId}, generation ${member.generationId}\n`
          )
        }
        if (fronts.http === undefined && fronts.mqtt === undefined) return
        metrics.attachChain(chain)
        if (kafkaInput !== undefined) metrics.attachKafkaInput(kafkaInput)
        // Without --devices (only with --kafka-input) the device API knows no device.
        const devices =
          fronts.devices === undefined ? new Map<string, Device>() : await loadDevices(fronts.devices)
        let acceptor = chainAcceptor(chain)
        if (spoolSettings !== undefined) {
          spool = await openSpool(spoolSettings, logger, metrics)
          // Before new input, so that a device's replayed messages go first.
          await replaySpool(spool, chain, logger)
          acceptor = spoolAcceptor(spool, chain)
        }
        if (mqtt !== undefined) mqttIngest = await startMqtt(mqtt, devices, acceptor)
        if (http === undefined) return
        ingest = new HttpIngest({
          chain,
          acceptor,
          devices,
          logger,
          metrics,
          ...(kafkaInput === undefined ? {} : { group: kafkaInput })
        })
        const address = await ingest.listen(http.port, fronts.host)
        process.stderr.write(`http: listening on ${address.address}:${address.port}\n`)
      },
      onStopping: async () => {
        progress?.stop()
        await kafkaInput?.stop()
        await Promise.all([ingest?.close(fronts.graceMs), mqttIngest?.close(fronts.graceMs)])
      }
    })
    return summary.outputError === undefined && !inputFailed ? 0 : 1
  } finally {
    // After the chain is destroyed: every message has left it, and its done mark is queued.
    await spool?.close()
  }

  async function startMqtt(settings: MqttSettings, devices: Map<string, Device>, acceptor: Acceptor) {
    const tls = settings.tls === undefined ? undefined : await readTls(settings.tls)
    const front = new MqttIngest({
      accept: acceptor.accept,
      devices,
      logger,
      metrics: metrics.ingest,
      ...(tls === undefined ? {} : { tls })
    })
    const address = await front.listen(settings.port, fronts.host)
    const scheme = tls === undefined ? '' : ' (TLS)'
    process.stderr.write(`mqtt: listening on ${address.address}:${address.port}${scheme}\n`)
    return front
  }
}

async function readTls(paths: { cert: string; key: string }): Promise<MqttTls> {
  const read = async (path: string, what: string): Promise<string> => {
    try {
      return await readFile(path, 'utf8')
    } catch (failure) {
      throw new ConfigError(`cannot read the MQTT TLS ${what} ${path}: ${(failure as Error).message}`)
    }
  }
  return { cert: await read(paths.cert, 'certificate'), key: await read(paths.key, 'key') }
}

interface HttpSettings {
  readonly port: number
}

interface MqttSettings {
  readonly port: number
  readonly tls?: { readonly cert: string; readonly key: string }
}

/** The device fronts asked for, and what they share. */
interface FrontSettings {
  readonly http?: HttpSettings
  readonly mqtt?: MqttSettings
  /** The devices file; set when any front is, except --http alone with --kafka-input. */
  readonly devices?: string
  readonly host: string
  readonly graceMs: number
}

function parsePort(flag: string, value: string | boolean | string[]): number {
  if (typeof value !== 'string' || !/^\d+$/.test(value) || Number(value) > 65535) {
    throw new UsageError(`--${flag} must be a port number 0-65535 (got "${String(value)}")`)
  }
  return Number(value)
}

function parseFrontOptions(values: ParsedArgs['values'], kafkaInput: boolean): FrontSettings {
  const host = typeof values.host === 'string' ? values.host : '127.0.0.1'
  const grace = values['http-grace-ms'] ?? String(DEFAULT_GRACE_MS)
  if (typeof grace !== 'string' || !/^\d+$/.test(grace))
    throw new UsageError(`--http-grace-ms must be a whole number of milliseconds (got "${String(grace)}")`)
  const cert = values['mqtt-tls-cert']
  const key = values['mqtt-tls-key']
  if (values.http === undefined && values.mqtt === undefined) {
    if (values.devices !== undefined || values.host !== undefined || values['http-grace-ms'] !== undefined)
      throw new UsageError('--devices, --host and --http-grace-ms need --http PORT')
    if (cert !== undefined || key !== undefined)
      throw new UsageError('--mqtt-tls-cert and --mqtt-tls-key need --mqtt PORT')
    return { host, graceMs: Number(grace) }
  }
  // With a Kafka input, --http alone may serve just /metrics and /healthz.
  const devicesOptional = kafkaInput && values.mqtt === undefined
  if (typeof values.devices !== 'string' && !devicesOptional)
    throw new UsageError(
      `${values.http === undefined || kafkaInput ? '--mqtt' : '--http'} needs --devices FILE (access token -> device)`
    )
  if ((cert === undefined) !== (key === undefined) || (cert !== undefined && values.mqtt === undefined))
    throw new UsageError('--mqtt-tls-cert and --mqtt-tls-key go together, with --mqtt PORT')
  const tls = typeof cert === 'string' && typeof key === 'string' ? { cert, key } : undefined
  return {
    ...(values.http === undefined ? {} : { http: { port: parsePort('http', values.http) } }),
    ...(values.mqtt === undefined
      ? {}
      : { mqtt: { port: parsePort('mqtt', values.mqtt), ...(tls === undefined ? {} : { tls }) } }),
    ...(typeof values.devices === 'string' ? { devices: values.devices } : {}),
    host,
    graceMs: Number(grace)
  }
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
