import { spawn } from 'node:child_process'

/** What a finished process printed, and how it ended. */
export interface ProcessResult {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs `kafka-rule-node ARGS` from the sources as a real process, feeding `input` on stdin. */
export function runCli(args: string[], input: string | Buffer = ''): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      stdio: ['pipe', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
    child.stdin.end(input)
  })
}

/** A CLI process left running, with what it printed so far. */
export interface RunningCli {
  readonly child: import('node:child_process').ChildProcessWithoutNullStreams
  stdout(): string
  stderr(): string
  /** Resolves with the first stderr match of `pattern`. */
  waitForStderr(pattern: RegExp): Promise<RegExpExecArray>
  /** Resolves once `run --http` says where it listens: host, port and `http://host:port`. */
  http(): Promise<{ host: string; port: number; base: string }>
  /** Resolves once `run --mqtt` says where it listens. */
  mqtt(): Promise<{ host: string; port: number }>
  /** Resolves when the process has exited. */
  exited: Promise<ProcessResult>
}

/** Starts `kafka-rule-node ARGS` from the sources and leaves it running; the test stops it. */
export function startCli(args: string[]): RunningCli {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    stdio: ['pipe', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  const watchers: (() => void)[] = []
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
    for (const watcher of watchers) watcher()
  })
  const exited = new Promise<ProcessResult>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  )
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitForStderr,
    async http() {
      const [, host = '', port = ''] = await waitForStderr(/http: listening on ([\d.]+):(\d+)\n/)
      return { host, port: Number(port), base: `http://${host}:${port}` }
    },
    async mqtt() {
      const [, host = '', port = ''] = await waitForStderr(/mqtt: listening on ([\d.]+):(\d+)/)
      return { host, port: Number(port) }
    }
  }

  function waitForStderr(pattern: RegExp): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const match = pattern.exec(stderr)
        if (match !== null) resolve(match)
      }
      watchers.push(check)
      check()
      void exited.then(() => reject(new Error(`process exited before printing ${pattern}: ${stderr}`)))
    })
  }
}
