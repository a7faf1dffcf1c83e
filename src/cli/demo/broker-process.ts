// The demo runs the development broker as a child process, as a user would (`kafka-rule-node
// broker`), so that the engine process never loads the broker's code.

import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'

/** A development broker running in a child process. */
export interface BrokerProcess {
  /** `host:port`, for `bootstrapServers`. */
  readonly address: string
  /** The broker process's id (the bench samples its CPU time). */
  readonly pid: number
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>
}

const READY = /^listening on (\S+:\d+)$/m

// The CLI's main module beside this one, in the same tree: dist/cli/main.js once built and
// installed, src/cli/main.ts under tsx. Not process.argv[1], which is whatever program loaded
// this module (an npm bin shim, or a host embedding the engine).
const OWN_ENTRY = fileURLToPath(new URL(`../main${extname(fileURLToPath(import.meta.url))}`, import.meta.url))

/** Starts `kafka-rule-node broker --port 0` from this package's CLI and waits until it listens. */
export async function startBrokerProcess(options: {
  partitions: number
  timeoutMs: number
  /** The kafka-rule-node entry point; default: the CLI of the package this module belongs to. */
  entry?: string
}): Promise<BrokerProcess> {
  const entry = options.entry ?? OWN_ENTRY
  // The flags this process runs with (tsx's loader under `npm start`) load the entry the same way.
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
    pid: child.pid ?? 0,
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
