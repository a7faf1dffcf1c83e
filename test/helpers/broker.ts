import type { TestContext } from 'node:test'
import { randomBytes } from 'node:crypto'
import { startBroker, type Broker, type BrokerOptions } from '../../src/broker/index.js'

/** Starts a development broker on a free port; the test closes it. */
export async function startTestBroker(t: TestContext, options: BrokerOptions = {}): Promise<Broker> {
  const broker = await startBroker({ port: 0, ...options })
  t.after(() => broker.close())
  return broker
}

/** A topic name no other test uses. */
export function uniqueTopic(prefix = 'topic'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`
}

/** `host:port` of a broker. */
export const address = (broker: Broker): string => `${broker.host}:${broker.port}`
