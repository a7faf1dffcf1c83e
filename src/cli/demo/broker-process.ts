// The demo runs the development broker as a child process, as a user would (`kafka-rule-node
// broker`), so that the engine process never loads the broker's code.

import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'

/** A development broker running in a child process. */
export interface BrokerProcess {
  /** `host:port`, for `bootstrapServers`. */
  readonly address: string
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>
}

const READY = /^listening on (\S+:\d+)$/m

/** Starts `kafka-rule-node broker --port 0` with this process's own entry point and waits until it listens. */
export async function startBrokerProcess(options: {
  partitions: number
  timeoutMs: number
  /** The kafka-rule-node entry point; default: this process's own. */
  entry?: string
}): Promise<BrokerProcess> {
  const entry = options.entry ?? process.argv[1]
  if (entry === undefined) throw new Error('cannot find the kafka-rule-node entry point to start the broker')
  const child = spawn(
    process.execPath,
    [...process.execArgv, entry, 'broker', '--port', '0', '--partitions', String(options.partitions)],
    { stdio: ['ignore', 'pipe', 'pipe'] }
  )
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const address = await readyAddress(child, options.timeoutMs, () => stderr)
  return {
    address,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      await exited
    }
  }
}

function readyAddress(child: ChildProcess, timeoutMs: number, stderr: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = ''
    const fail = (why: string): void => {
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(new Error(`the development broker ${why}${stderr() === '' ? '' : `:\n${stderr()}`}`))
    }
    const timer = setTimeout(() => fail(`did not start within ${timeoutMs} ms`), timeoutMs)
    child.once('exit', (code) => fail(`exited with status ${String(code)} before listening`))
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
      const match = READY.exec(stdout)
      if (match?.[1] === undefined) return
      clearTimeout(timer)
      child.removeAllListeners('exit')
      // Keep draining its stdout so that the child never blocks on a full pipe.
      child.stdout?.resume()
      resolve(match[1])
    })
  })
}
