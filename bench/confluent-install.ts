// @confluentinc/kafka-javascript for the bench, installed on demand into .tmp/bench-contenders/
// (ignored by git; not a dependency of the package). Its prebuilt binary comes from GitHub, which
// this machine cannot reach, so it is built from source: the package's own librdkafka (2.15.1;
// Debian's librdkafka-dev is 2.0.2, and the binding calls APIs of 2.3 and later), linked
// dynamically against Debian's zlib and OpenSSL instead of the sources its static build would
// download, and Node's headers from the installed Node instead of nodejs.org. Once, a few minutes
// on 2 cores; later runs find it built.

import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runCommand } from './process.js'

/** The version measured: pinned, so that runs on different days compare the same client. */
export const CONFLUENT_VERSION = '1.10.1'

/** Where it is installed. */
export const CONFLUENT_CACHE = fileURLToPath(new URL('../.tmp/bench-contenders', import.meta.url))

/** The package's folder, for `require`. */
export const CONFLUENT_PACKAGE = join(CONFLUENT_CACHE, 'node_modules', '@confluentinc', 'kafka-javascript')

/** The package loads here, reporting its librdkafka version: ready; or why it cannot be measured. */
export type ConfluentStatus =
  { readonly ok: true; readonly librdkafka: string } | { readonly ok: false; readonly reason: string }

async function loads(): Promise<ConfluentStatus> {
  // The first line of a load error names what is wrong (e.g. "Could not locate the bindings file").
  const result = await runCommand(process.execPath, [
    '-e',
    `try { process.stdout.write(require(${JSON.stringify(CONFLUENT_PACKAGE)}).librdkafkaVersion) }
     catch (error) { process.stderr.write(String(error.message).split('\\n')[0]); process.exit(1) }`
  ])
  if (result.status === 0) return { ok: true, librdkafka: result.stdout.trim() }
  return { ok: false, reason: `it does not load: ${result.stderr.trim()}` }
}

const lastLines = (text: string): string => text.trim().split('\n').slice(-6).join('\n')

/** Installs and builds the package unless it is there already; never throws. */
export async function ensureConfluent(log: (line: string) => void): Promise<ConfluentStatus> {
  if (existsSync(CONFLUENT_PACKAGE)) {
    const status = await loads()
    if (status.ok) return status
  }
  // node-gyp would download Node's headers; the installed Node's own are used instead.
  const nodeDir = dirname(dirname(process.execPath))
  if (!existsSync(join(nodeDir, 'include', 'node', 'node.h')))
    return {
      ok: false,
      reason: `Node's headers are not in ${nodeDir}/include/node (node-gyp cannot download them here)`
    }
  for (const tool of ['make', 'g++', 'python3']) {
    const found = await runCommand('sh', ['-c', `command -v ${tool}`])
    if (found.status !== 0)
      return { ok: false, reason: `${tool} is missing: it is needed to build librdkafka` }
  }
  log(
    `building @confluentinc/kafka-javascript ${CONFLUENT_VERSION} and its librdkafka from source into ${CONFLUENT_CACHE} (once; a few minutes)`
  )
  mkdirSync(CONFLUENT_CACHE, { recursive: true })
  writeFileSync(join(CONFLUENT_CACHE, 'package.json'), '{ "private": true }\n')
  // Niced: librdkafka's build runs `make -j` without a limit.
  const install = await runCommand('nice', [
    '-n',
    '10',
    'env',
    // Dynamic: librdkafka's configure then uses the system's libraries rather than downloading sources.
    'CKJS_LINKING=dynamic',
    `npm_config_nodedir=${nodeDir}`,
    // Straight to the build: the prebuilt binary is on GitHub.
    'npm_config_build_from_source=true',
    'npm',
    'install',
    '--prefix',
    CONFLUENT_CACHE,
    '--no-save',
    '--no-package-lock',
    '--no-audit',
    '--no-fund',
    `@confluentinc/kafka-javascript@${CONFLUENT_VERSION}`
  ])
  if (install.status !== 0) return { ok: false, reason: `npm install failed:\n${lastLines(install.stderr)}` }
  return loads()
}
