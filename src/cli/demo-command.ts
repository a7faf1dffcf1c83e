import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { createDefaultRegistry } from '../nodes/index.js'
import { createPinoLogger } from './pino-logger.js'
import { runChain } from './run-command.js'

const sampleMessages = [
  {
    type: 'POST_TELEMETRY_REQUEST',
    metadata: { deviceName: 'T1', deviceType: 'thermostat' },
    data: { temperature: 21.5 }
  },
  {
    type: 'POST_ATTRIBUTES_REQUEST',
    metadata: { deviceName: 'T1', deviceType: 'thermostat' },
    data: { firmware: '1.2.0' }
  },
  {
    type: 'POST_TELEMETRY_REQUEST',
    metadata: { deviceName: 'M7', deviceType: 'meter' },
    data: { energy: 1520.0 }
  }
]

/** `kafka-rule-node demo`: runs the sample chain on sample messages and prints what left it where. */
export async function runDemo(): Promise<number> {
  const chainPath = fileURLToPath(new URL('../../examples/switch-log.json', import.meta.url))
  process.stderr.write(`demo: running ${chainPath} on ${sampleMessages.length} sample messages\n`)
  const summary = await runChain({
    chainPath,
    registry: createDefaultRegistry(),
    input: Readable.from(sampleMessages.map((m) => JSON.stringify(m) + '\n')),
    output: process.stdout,
    errors: process.stderr,
    logger: createPinoLogger('info'),
    maxLineBytes: 1 << 20
  })
  process.stderr.write(`demo: ${summary.entered} messages in, ${summary.left} out\n`)
  return 0
}
