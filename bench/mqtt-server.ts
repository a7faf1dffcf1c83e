// One MQTT server of the MQTT bench, in its own process: `aedes` (aedes accepting and discarding),
// `front` (our MQTT front accepting and discarding: mqtt-packet and the session, no chain), or
// `chain` (the front handing each message to a chain with the Kafka node). Prints "listening
// PORT", then "delivered N" each time the chain's count of messages on Success grows by a step.

import { createServer, type AddressInfo } from 'node:net'
import { Aedes } from 'aedes'
import { loadChain } from '../src/engine/chain.js'
import { silentLogger } from '../src/engine/logger.js'
import { chainAcceptor, type Accept } from '../src/ingest/acceptance.js'
import { parseDevices } from '../src/ingest/devices.js'
import { MqttIngest } from '../src/ingest/mqtt/mqtt-ingest.js'
import { createDefaultRegistry } from '../src/nodes/index.js'

/** The bench's one device. */
export const BENCH_TOKEN = 'bench-token'
const devices = parseDevices({
  [BENCH_TOKEN]: { name: 'B1', type: 'bench', id: '00000000-0000-4000-8000-0000000000aa' }
})

const [kind = 'front', broker = '', topic = ''] = process.argv.slice(2)
const say = (line: string): void => void process.stdout.write(`${line}\n`)

async function front(accept: Accept): Promise<number> {
  const ingest = new MqttIngest({ accept, devices, logger: silentLogger })
  return (await ingest.listen(0)).port
}

async function chainAccept(): Promise<Accept> {
  let delivered = 0
  const chain = await loadChain(
    {
      metadata: {
        firstNodeIndex: 0,
        nodes: [
          {
            type: 'org.thingsboard.rule.engine.kafka.TbKafkaNode',
            name: 'Kafka',
            configuration: {
              topicPattern: topic,
              keyPattern: '${deviceName}',
              bootstrapServers: broker,
              acks: '-1',
              // The bench's tuned row (bench/main.ts): batches that fill at this rate.
              batchSize: 262144,
              linger: 5
            }
          }
        ],
        connections: []
      }
    },
    createDefaultRegistry(),
    {
      logger: silentLogger,
      onExit: (exit) => {
        if (exit.relation !== 'Success') {
          say(`failed ${exit.msg.metadata.error ?? '?'}`)
          return
        }
        if (++delivered % 1000 === 0) say(`delivered ${delivered}`)
      }
    }
  )
  return chainAcceptor(chain).accept
}

async function main(): Promise<void> {
  if (kind === 'aedes') {
    const aedes = await Aedes.createBroker()
    const server = createServer(aedes.handle)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    say(`listening ${(server.address() as AddressInfo).port}`)
    return
  }
  const accept = kind === 'chain' ? await chainAccept() : () => undefined
  say(`listening ${await front(accept)}`)
}

await main()
