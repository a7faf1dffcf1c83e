// The embedded databases the spool's store is compared with (bench/spool-stores.ts), installed on
// demand into .tmp/bench-stores/ (ignored by git; not dependencies of the package). A folder of
// their own: an npm install there prunes whatever it was not told to install, such as the
// confluent contender in .tmp/bench-contenders/. lmdb's binary comes from npm; better-sqlite3's prebuilt binary is
// on GitHub, which this machine cannot reach, so npm builds it from source against the installed
// Node's headers (a minute or two, once).

import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runCommand } from './process.js'

const CACHE = fileURLToPath(new URL('../.tmp/bench-stores', import.meta.url))

/** The versions measured: pinned, so that runs on different days compare the same stores. */
const PACKAGES = ['lmdb@3.5.6', 'better-sqlite3@12.11.1']

const requireHere = createRequire(join(CACHE, 'package.json'))

function loadable(): string | undefined {
  for (const name of ['lmdb', 'better-sqlite3']) {
    try {
      requireHere(name)
    } catch (error) {
      return `${name} does not load: ${String((error as Error).message).split('\n')[0]}`
    }
  }
  return undefined
}

/** Loads a store's package from the bench's own folder. */
export function requireStore(name: 'lmdb' | 'better-sqlite3'): unknown {
  return requireHere(name)
}

/** Installs the stores unless they load already; resolves with why they cannot, or undefined. */
export async function ensureStores(log: (line: string) => void): Promise<string | undefined> {
  if (loadable() === undefined) return undefined
  const nodeDir = dirname(dirname(process.execPath))
  log(`installing ${PACKAGES.join(' and ')} into ${CACHE} (once; better-sqlite3 is built from source)`)
  mkdirSync(CACHE, { recursive: true })
  if (!existsSync(join(CACHE, 'package.json')))
    writeFileSync(join(CACHE, 'package.json'), '{ "private": true }\n')
  const install = await runCommand('env', [
    `npm_config_nodedir=${nodeDir}`,
    'npm',
    'install',
    '--prefix',
    CACHE,
    '--no-save',
    '--no-package-lock',
    '--no-audit',
    '--no-fund',
    ...PACKAGES
  ])
  if (install.status !== 0)
    return `npm install failed:\n${install.stderr.trim().split('\n').slice(-6).join('\n')}`
  return loadable()
}
