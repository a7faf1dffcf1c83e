import { spawn } from 'node:child_process'

/** How an external command ended. */
export interface CommandResult {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs a command without blocking the event loop (an in-process broker must keep answering). */
export function runCommand(
  command: string,
  args: readonly string[],
  input = '',
  timeoutMs = 60_000
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (status) => {
      clearTimeout(timer)
      resolve({ status, stdout, stderr })
    })
    // A command that exits without reading its input (mosquitto_pub with -m) closes the pipe:
    // the EPIPE that follows is not the test's failure, its exit status and output are.
    child.stdin.on('error', () => undefined)
    child.stdin.end(input)
  })
}
