import { spawn } from 'node:child_process'
import { Readable, Writable } from 'node:stream'
import { createPinoLogger, type LogLevel } from '../../src/cli/pino-logger.js'
import { DEFAULT_MAX_LINE_BYTES, runChain, type RunSummary } from '../../src/cli/run-command.js'
import { createDefaultRegistry } from '../../src/nodes/index.js'

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

/** What `run` wrote when run in this process, and its summary. */
export interface InProcessRun {
  readonly summary: RunSummary
  readonly stdout: string
  /** Per-line input errors and log lines (pino JSON at `logLevel`), as the process writes them on stderr. */
  readonly stderr: string
}

/**
 * Runs `kafka-rule-node run CHAIN` in this process (runChain, as main calls it without --http),
 * with `input` as stdin: for tests of what the run does with lines, where a process adds nothing
 * but start-up time. Exit statuses, signals and closed pipes are tested with runCli/startCli.
 */
export async function runInProcess(
  chainPath: string,
  input: string | Buffer,
  options: { readonly maxLineBytes?: number; readonly logLevel?: LogLevel } = {}
): Promise<InProcessRun> {
  const stdout: Buffer[] = []
  const stderr: Buffer[] = []
  const sink = (into: Buffer[]): Writable =>
    new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        into.push(Buffer.from(chunk))
        callback()
      }
    })
  const errors = sink(stderr)
  const summary = await runChain({
    chainPath,
    registry: createDefaultRegistry(),
    input: Readable.from([Buffer.from(input)]),
    output: sink(stdout),
    errors,
    logger: createPinoLogger(options.logLevel ?? 'info', { write: (line: string) => errors.write(line) }),
    maxLineBytes: options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES
  })
  return {
    summary,
    stdout: Buffer.concat(stdout).toString('utf8'),
    stderr: Buffer.concat(stderr).toString('utf8')
  }
}
