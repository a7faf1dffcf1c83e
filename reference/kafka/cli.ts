// `npm run kafka -- start [--brokers 1|3] [--dir DIR] [--base-port N]` / `stop [--dir DIR]`:
// Apache Kafka from Maven Central, formatted and started in KRaft mode on loopback ports.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { LISTENERS, USERS, loadKafka, startKafka } from './cluster.js'

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    brokers: { type: 'string', default: '1' },
    dir: { type: 'string' },
    'base-port': { type: 'string' },
    'heap-mb': { type: 'string' }
  }
})
const command = positionals[0]
const brokers = values.brokers === '3' ? 3 : values.brokers === '1' ? 1 : undefined
if (brokers === undefined) fail(`--brokers must be 1 or 3 (got "${values.brokers}")`)
const dir = values.dir ?? join(process.cwd(), '.tmp', 'kafka', `brokers-${brokers}`)

function fail(message: string): never {
  console.error(`kafka: ${message}`)
  process.exit(2)
}

if (command === 'start') {
  if (existsSync(join(dir, 'cluster.json'))) fail(`${dir} holds a cluster already: stop it first`)
  // --base-port 0: free ports, as the test runner asks.
  const basePort = values['base-port'] === undefined ? 19092 : Number(values['base-port'])
  const heapMb = values['heap-mb'] === undefined ? undefined : Number(values['heap-mb'])
  const cluster = await startKafka({
    brokers,
    dir,
    ...(basePort === 0 ? {} : { basePort }),
    ...(heapMb === undefined ? {} : { heapMb })
  })
  console.log(`Apache Kafka is serving, ${brokers} broker(s), folder ${dir}`)
  for (const listener of LISTENERS) console.log(`${listener.padEnd(15)} ${cluster.bootstrap(listener)}`)
  console.log(`SASL PLAIN user ${USERS.plain.username}, SCRAM-SHA-256/512 user ${USERS.scram.username}`)
  console.log(`CA ${cluster.tls.caPath}; client certificate ${cluster.tls.clientCertPath}`)
} else if (command === 'stop') {
  if (!existsSync(join(dir, 'cluster.json'))) fail(`no cluster in ${dir}`)
  await loadKafka(dir).stop()
  console.log(`stopped the cluster in ${dir}`)
} else {
  fail(
    'usage: npm run kafka -- start [--brokers 1|3] [--dir DIR] [--base-port N] [--heap-mb N] | stop [--brokers 1|3] [--dir DIR]'
  )
}
