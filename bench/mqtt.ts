// `npm run bench -- --mqtt`: MQTT messages/s into Kafka through the front and the chain, as a
// ratio to MQTT servers alone accepting and discarding, in one run: the same load (MQTT 3.1.1,
// QoS 1, a window of unacknowledged publishes per connection) against each server in its own
// process, one after the other, on the development broker.

import { spawn, type ChildProcess } from 'node:child_process'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import mqtt, { type MqttClient } from 'mqtt'
import { startDevBroker } from './brokers.js'
import { BENCH_TOKEN } from './mqtt-server.js'

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url))
const log = (line: string): void => void process.stderr.write(`bench: ${line}\n`)

/** How hard the load pushes. */
export interface MqttLoad {
  readonly messages: number
  readonly connections: number
  /** QoS 1 publishes a connection has sent and not yet seen acknowledged. */
  readonly window: number
}

interface Server {
  readonly child: ChildProcess
  readonly port: number
  /** Resolves once the server says `count` messages were delivered (the chain server only). */
  delivered(count: number): Promise<void>
}

async function startServer(kind: string, broker: string, topic: string): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', here('./mqtt-server.ts'), kind, broker, topic], {
    stdio: ['ignore', 'pipe', 'inherit']
  })
  let out = ''
  const watchers: (() => void)[] = []
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk
    for (const watch of watchers) watch()
  })
  const until = (test: () => boolean): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (/^failed /m.test(out)) reject(new Error(`${kind}: ${out}`))
        else if (test()) resolve()
      }
      watchers.push(check)
      check()
    })
  await until(() => /^listening \d+$/m.test(out))
  const port = Number(/^listening (\d+)$/m.exec(out)?.[1])
  return {
    child,
    port,
    delivered: (count) =>
      until(() => [...out.matchAll(/^delivered (\d+)$/gm)].some((m) => Number(m[1]) >= count))
  }
}

async function publishAll(port: number, load: MqttLoad, offset: number): Promise<void> {
  const clients: MqttClient[] = await Promise.all(
    Array.from({ length: load.connections }, () =>
      mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { username: BENCH_TOKEN, protocolVersion: 4 })
    )
  )
  const perClient = Math.ceil(load.messages / load.connections)
  await Promise.all(
    clients.map(async (client, c) => {
      let next = 0
      const lane = async (): Promise<void> => {
        while (next < perClient) {
          const n = offset + c * perClient + next++
          await client.publishAsync(
            'v1/devices/me/telemetry',
            `{"temperature":21.5,"humidity":40,"seq":${n},"site":"bench-site-0001"}`,
            { qos: 1 }
          )
        }
      }
      await Promise.all(Array.from({ length: load.window }, lane))
    })
  )
  await Promise.all(clients.map((client) => client.endAsync()))
}

/** Runs the MQTT bench; prints its table and returns the rows. */
export async function benchMqtt(load: MqttLoad, entry: string): Promise<{ name: string; rate: number }[]> {
  const broker = await startDevBroker(6, entry)
  const rows: { name: string; rate: number }[] = []
  try {
    for (const kind of ['aedes', 'front', 'chain']) {
      const topic = `bench-mqtt-${kind}-${Date.now()}`
      const server = await startServer(kind, broker.address, topic)
      try {
        // Warm: connections, the JIT, and for the chain its metadata and first batches.
        const warm = Math.min(5000, load.messages)
        await publishAll(server.port, { ...load, messages: warm }, 0)
        if (kind === 'chain') await server.delivered(warm)
        const started = performance.now()
        await publishAll(server.port, load, warm)
        // Into Kafka: every message acknowledged by the broker, not only PUBACKed.
        if (kind === 'chain') await server.delivered(warm + load.messages)
        const seconds = (performance.now() - started) / 1000
        rows.push({ name: kind, rate: load.messages / seconds })
        log(`${kind}: ${Math.round(load.messages / seconds)} msg/s`)
      } finally {
        server.child.kill('SIGKILL')
      }
    }
  } finally {
    await broker.stop()
  }
  const rate = (name: string): number => rows.find((row) => row.name === name)?.rate ?? Number.NaN
  const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`
  process.stdout.write(
    [
      `Machine: ${machine}`,
      `MQTT 3.1.1, QoS 1: ${load.messages} messages over ${load.connections} connections, ${load.window} unacknowledged per connection`,
      '',
      `aedes 1.2, accepting and discarding      ${Math.round(rate('aedes'))} msg/s`,
      `MQTT front alone, discarding            ${Math.round(rate('front'))} msg/s`,
      `MQTT front -> chain -> Kafka node       ${Math.round(rate('chain'))} msg/s (into the development broker, acks=all)`,
      '',
      `front -> Kafka as a ratio to the front alone: ${(rate('chain') / rate('front')).toFixed(2)}`,
      `front -> Kafka as a ratio to aedes alone:     ${(rate('chain') / rate('aedes')).toFixed(2)}`,
      ''
    ].join('\n')
  )
  return rows
}
