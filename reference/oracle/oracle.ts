import { spawn } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { mavenPackage } from '../kafka/libs.js'

/** This folder: the Maven project of the Java oracle (pom.xml, src/) and, once built, target/. */
export const oracleDir = dirname(fileURLToPath(import.meta.url))

const jar = join(oracleDir, 'target', 'oracle.jar')

/** The newest modification time under `path` (a file or a folder). */
function newest(path: string): number {
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newest(join(path, entry))))
}

/**
 * Builds the oracle with Maven when its jar is missing or older than its sources (the Maven cache
 * keeps kafka-clients between runs) and returns the Java class path. Throws, saying what to
 * install, when Java or Maven is missing.
 */
export function oracleClasspath(): string {
  const sources = Math.max(newest(join(oracleDir, 'pom.xml')), newest(join(oracleDir, 'src')))
  if (!existsSync(jar) || statSync(jar).mtimeMs < sources)
    mavenPackage(join(oracleDir, 'pom.xml'), 'build the Java oracle')
  return `${jar}:${join(oracleDir, 'target', 'libs', '*')}`
}

/**
 * Runs one oracle subcommand (`partition`, `produce`, `consume`, `create-topic`, `golden`, `encode`) with `options`
 * as --name value pairs (an array value repeats the option) and `input` as JSON lines on stdin;
 * resolves to its JSON answers, one per line. Rejects with the Java side's stderr when it fails.
 */
export async function runOracle<T = Record<string, unknown>>(
  subcommand: string,
  options: Readonly<Record<string, string | number | readonly string[]>> = {},
  input: readonly unknown[] = []
): Promise<T[]> {
  const args = Object.entries(options).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [String(value)]).flatMap((v: string) => [`--${name}`, v])
  )
  const child = spawn('java', ['-cp', oracleClasspath(), 'dev.krn.oracle.Oracle', subcommand, ...args], {
    stdio: ['pipe', 'pipe', 'pipe']
  })
  const stdout: Buffer[] = []
  const stderr: Buffer[] = []
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
  // JSON.stringify escapes a lone surrogate as \ud800, which Jackson reads back as that char.
  child.stdin.end(input.map((line) => JSON.stringify(line) + '\n').join(''))
  const status = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', resolve)
  })
  if (status !== 0) {
    throw new Error(`oracle ${subcommand} exited with ${status}: ${Buffer.concat(stderr).toString()}`)
  }
  const text = Buffer.concat(stdout).toString('utf8')
  return text === ''
    ? []
    : text
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as T)
}
