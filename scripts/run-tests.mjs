// Runs every test/**/*.test.ts on node:test through tsx; extra arguments narrow it to files or folders.
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

function collect(path, out) {
  if (statSync(path).isDirectory()) {
    for (const entry of readdirSync(path).sort()) collect(join(path, entry), out)
  } else if (path.endsWith('.test.ts')) {
    out.push(path)
  }
  return out
}

const args = process.argv.slice(2)
const flags = args.filter((a) => a.startsWith('--'))
const roots = args.filter((a) => !a.startsWith('--'))
const files = (roots.length > 0 ? roots : ['test']).flatMap((root) => collect(root, []))
if (files.length === 0) {
  console.error(`no test files under ${roots.join(', ')}`)
  process.exit(1)
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', ...flags, ...files],
  { stdio: 'inherit' }
)
process.exit(result.status ?? 1)
