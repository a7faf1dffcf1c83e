// `kafka-rule-node broker`: the development broker as a process. Prints `listening on HOST:PORT`
// on stdout once ready, so that scripts and tests can wait for it.

import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { BrokerDataError, startBroker, type BrokerOptions } from './index.js'

/** Help for `broker`. */
export const brokerUsage = `Usage: kafka-rule-node broker [options]

Starts the development broker: a single-process broker speaking the Kafka wire protocol, for
local development, demos and tests. It is not a production broker (one node, no replication).
It prints "listening on HOST:PORT" on stdout when ready; SIGTERM or SIGINT stops it.

Options:
  --port PORT          port to listen on (default 9092; 0: any free port)
  --host HOST          address to listen on (default 127.0.0.1)
  --partitions N       partitions of auto-created topics (default 3)
  --data-dir DIR       keep the log in DIR across restarts (default: in memory)
  --sasl-users FILE    JSON {"user": "password"}: require SASL PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512
  --tls-cert FILE      PEM certificate: listen with TLS (needs --tls-key)
  --tls-key FILE       PEM private key
  --verbose            log connections and protocol problems on stderr
  -h, --help           show this help
`

class BrokerUsageError extends Error {}

function integer(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback
  const value = Number(text)
  if (!/^\d+$/.test(text) || value < min || value > 65535)
    throw new BrokerUsageError(`--${name} must be an integer from ${min} to 65535 (got "${text}")`)
  return value
}

function readFile(option: string, path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    throw new BrokerUsageError(`--${option}: cannot read ${path}: ${(error as Error).message}`)
  }
}

function saslUsers(path: string | undefined): Record<string, string> | undefined {
  if (path === undefined) return undefined
  let users: unknown
  try {
    users = JSON.parse(readFile('sasl-users', path))
  } catch (error) {
    if (error instanceof BrokerUsageError) throw error
    throw new BrokerUsageError(`--sasl-users: ${path} is not JSON: ${(error as Error).message}`)
  }
  if (
    typeof users !== 'object' ||
    users === null ||
    Array.isArray(users) ||
    Object.values(users).some((p) => typeof p !== 'string')
  ) {
    throw new BrokerUsageError(`--sasl-users: ${path} must be a JSON object of user -> password strings`)
  }
  return users as Record<string, string>
}

function parseOptions(args: string[]): BrokerOptions | 'help' {
  const { values, positionals } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      partitions: { type: 'string' },
      'data-dir': { type: 'string' },
      'sasl-users': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' }
    },
    allowPositionals: true
  })
  if (values.help === true) return 'help'
  if (positionals.length > 0)
    throw new BrokerUsageError(`broker takes no arguments (got "${positionals.join(' ')}")`)
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined))
    throw new BrokerUsageError('--tls-cert and --tls-key go together')
  const users = saslUsers(values['sasl-users'])
  const log = (line: string): void => void process.stderr.write(`broker: ${line}\n`)
  return {
    host: values.host ?? '127.0.0.1',
    port: integer('port', values.port, 9092, 0),
    partitions: integer('partitions', values.partitions, 3, 1),
    ...(values['data-dir'] === undefined ? {} : { dataDir: values['data-dir'] }),
    ...(users === undefined ? {} : { saslUsers: users }),
    ...(values['tls-cert'] === undefined || values['tls-key'] === undefined
      ? {}
      : {
          tls: { cert: readFile('tls-cert', values['tls-cert']), key: readFile('tls-key', values['tls-key']) }
        }),
    logger: values.verbose === true ? { info: log, warn: log } : { info: () => {}, warn: log }
  }
}

/** Runs the broker until SIGTERM or SIGINT; resolves with the exit status. */
export async function runBroker(args: string[]): Promise<number> {
  let options: BrokerOptions | 'help'
  try {
    options = parseOptions(args)
  } catch (error) {
    process.stderr.write(
      `kafka-rule-node broker: ${(error as Error).message}\nRun \`kafka-rule-node broker --help\` for usage.\n`
    )
    return 2
  }
  if (options === 'help') {
    process.stdout.write(brokerUsage)
    return 0
  }
  process.stderr.write('kafka-rule-node development broker: for development and tests, not for production\n')
  let broker
  try {
    broker = await startBroker(options)
  } catch (error) {
    process.stderr.write(
      error instanceof BrokerDataError
        ? `kafka-rule-node broker: --data-dir: ${error.message}\n`
        : `kafka-rule-node broker: cannot listen on ${options.host}:${options.port}: ${(error as Error).message}\n`
    )
    return 1
  }
  process.stdout.write(`listening on ${broker.host}:${broker.port}\n`)
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve)
    process.once('SIGINT', resolve)
  })
  await broker.close()
  return 0
}
