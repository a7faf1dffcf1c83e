import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'

/** Runs a command to its end and collects its output. */
export function runCommand(
  command: string,
  args: readonly string[]
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (status) => resolve({ status, stdout, stderr }))
  })
}

/** A process's CPU time and peak RSS so far. */
export interface ProcessSample {
  readonly cpuSeconds: number
  readonly maxRssMb: number
}

/**
 * Reads `pid`'s CPU time and peak RSS from /proc, for contenders that are not Node processes;
 * `last` when the process is gone (sampled while it runs, the last reading is its total).
 */
export function sampleProcess(pid: number, last: ProcessSample): ProcessSample {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
    const ticks = Number(stat[11]) + Number(stat[12])
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return { cpuSeconds: ticks / 100, maxRssMb: hwm === null ? last.maxRssMb : Number(hwm[1]) / 1024 }
  } catch {
    return last
  }
}
