// `npm start`: the whole path on a fresh machine. The development broker in a child process, the
// sample chain (type switch -> Kafka node, topic ${deviceType}, key ${deviceName}; Failure -> log)
// behind the HTTP and MQTT fronts, devices posting and publishing telemetry, and the topics read
// back by a consumer.

import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { loadChain, type ChainExit } from '../engine/chain.js'
import { parseDevices } from '../ingest/devices.js'
import { HttpIngest } from '../ingest/http-ingest.js'
import { chainAcceptor } from '../ingest/acceptance.js'
import { MqttIngest } from '../ingest/mqtt/mqtt-ingest.js'
import mqtt from 'mqtt'
import { createDefaultRegistry } from '../nodes/index.js'
import { ServiceMetrics } from '../service/metrics.js'
import { startBrokerProcess } from './demo/broker-process.js'
import { readBack, type ConsumedRecord } from './demo/read-back.js'
import { samplePublishedMessages, samplePublishes, sampleRequests } from './demo/samples.js'
import { createPinoLogger } from './pino-logger.js'
import { readChainFile } from './run-command.js'

const KAFKA_NODE = 'org.thingsboard.rule.engine.kafka.TbKafkaNode'
const example = (name: string): string => fileURLToPath(new URL(`../../examples/${name}`, import.meta.url))

/** The chain export with every Kafka node pointed at `bootstrapServers`; the input is left as it was. */
export function withBootstrapServers(exported: unknown, bootstrapServers: string): unknown {
  const copy = structuredClone(exported) as {
    metadata?: { nodes?: { type?: unknown; configuration?: unknown }[] }
  }
  for (const node of copy.metadata?.nodes ?? []) {
    if (node.type === KAFKA_NODE && typeof node.configuration === 'object' && node.configuration !== null) {
      node.configuration = { ...node.configuration, bootstrapServers }
    }
  }
  return copy
}

function recordLine(record: ConsumedRecord): string {
  const where = `${record.topic}/${record.partition}@${record.offset}`
  return `  ${where.padEnd(16)} key=${record.key.padEnd(4)} ${record.value}`
}

/** `kafka-rule-node demo`: runs the sample end to end and prints what arrived where. */
export async function runDemo(): Promise<number> {
  const out = (line: string): void => void process.stdout.write(`${line}\n`)
  const logger = createPinoLogger('warn')
  const broker = await startBrokerProcess({ partitions: 3, timeoutMs: 30_000 })
  try {
    out(`development broker listening on ${broker.address}`)
    const chainPath = example('demo-chain.json')
    const exits: ChainExit[] = []
    const metrics = new ServiceMetrics()
    const chain = await loadChain(
      withBootstrapServers(await readChainFile(chainPath), broker.address),
      createDefaultRegistry(),
      {
        onExit: (exit) => exits.push(exit),
        logger,
        metricsFor: (node) => metrics.forNode(node)
      }
    )
    metrics.attachChain(chain)
    const devices = parseDevices(
      JSON.parse(await readFile(example('devices.json'), 'utf8')),
      'examples/devices.json'
    )
    const ingest = new HttpIngest({ chain, devices, logger, metrics })
    const mqttIngest = new MqttIngest({
      accept: chainAcceptor(chain).accept,
      devices,
      logger,
      metrics: metrics.ingest
    })
    try {
      const { address, port } = await ingest.listen(0)
      out(`rule chain ${chainPath} running; device API on http://${address}:${port}`)
      out('')
      for (const request of sampleRequests) {
        const path = `/api/v1/${request.token}/${request.kind}`
        const response = await fetch(`http://${address}:${port}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(request.body)
        })
        out(`POST ${path.padEnd(32)} ${JSON.stringify(request.body)} -> ${response.status}`)
      }
      const broker = await mqttIngest.listen(0)
      out('')
      out(`MQTT device API on mqtt://${broker.address}:${broker.port}`)
      for (const sample of samplePublishes) {
        const client = await mqtt.connectAsync(`mqtt://${broker.address}:${broker.port}`, {
          username: sample.token,
          protocolVersion: sample.protocolVersion,
          reconnectPeriod: 0
        })
        try {
          await client.publishAsync(sample.topic, JSON.stringify(sample.payload), { qos: 1 })
        } finally {
          await client.endAsync()
        }
        const version = sample.protocolVersion === 5 ? 'MQTT 5' : 'MQTT 3.1.1'
        out(
          `PUBLISH ${sample.topic} as ${sample.token} (${version}, QoS 1) ${JSON.stringify(sample.payload)} -> PUBACK`
        )
      }
      await chain.drain()
    } finally {
      await mqttIngest.close(1000)
      await ingest.close()
      await chain.destroy()
    }
    return await report(exits, broker.address, out)
  } finally {
    await broker.stop()
  }
}

async function report(
  exits: readonly ChainExit[],
  bootstrapServers: string,
  out: (line: string) => void
): Promise<number> {
  const published = exits.filter((exit) => exit.relation === 'Success')
  const failed = exits.filter((exit) => exit.relation === 'Failure')
  out('')
  out(`the chain published ${published.length} messages, ${failed.length} failed:`)
  for (const exit of exits) {
    const { topic, partition, offset, error } = exit.msg.metadata
    const where = exit.relation === 'Success' ? `${topic}/${partition}@${offset}` : `error: ${error}`
    out(
      `  ${exit.relation.padEnd(8)} ${exit.msg.metadata.deviceName ?? '?'} ${exit.msg.type.padEnd(24)} ${where}`
    )
  }
  const topics = [...new Set(published.map((exit) => exit.msg.metadata.topic ?? ''))].sort()
  const records = await readBack({ bootstrapServers, topics, expected: published.length, timeoutMs: 30_000 })
  out('')
  out(`a consumer read back ${records.length} records (topic/partition@offset):`)
  for (const record of records) out(recordLine(record))
  const ok =
    failed.length === 0 &&
    records.length === published.length &&
    published.length === sampleRequests.length + samplePublishedMessages
  out('')
  out(ok ? 'demo: every message arrived where the node said it would' : 'demo: some messages did not arrive')
  return ok ? 0 : 1
}
