import type { TestContext } from 'node:test'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startBroker, type Broker } from '../../src/broker/index.js'

/** A broker the test can stop and start again with its data, on the same port. */
export interface Restartable {
  readonly bootstrap: string
  stop(): Promise<void>
  start(): Promise<void>
}

/** The development broker, started, on a free port it keeps across restarts; closed after the test. */
export async function restartableDevBroker(t: TestContext): Promise<Restartable> {
  const dataDir = mkdtempSync(join(tmpdir(), 'krn-crash-broker-'))
  let broker: Broker | undefined = await startBroker({ port: 0, dataDir })
  const port = broker.port
  t.after(() => broker?.close())
  return {
    bootstrap: `127.0.0.1:${port}`,
    async stop() {
      await broker?.close()
      broker = undefined
    },
    async start() {
      broker ??= await startBroker({ port, dataDir })
    }
  }
}
