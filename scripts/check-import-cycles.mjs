// `npm run lint` runs this: fails when modules in src/ import each other in a cycle (type-only
// imports included: a cycle of types still ties the layers together). Imports are read with the
// TypeScript compiler's own pre-processor; cycles are the strongly connected components of the
// import graph (Tarjan's algorithm).

import { readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'

const root = resolve(dirname(new URL(import.meta.url).pathname), '..')

function sources(dir, out = []) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry)
    if (statSync(path).isDirectory()) sources(path, out)
    else if (path.endsWith('.ts') && !path.endsWith('.d.ts')) out.push(path)
  }
  return out
}

const files = sources(join(root, 'src'))
const known = new Set(files)
const edges = new Map()
for (const file of files) {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
  const targets = []
  for (const { fileName } of importedFiles) {
    if (!fileName.startsWith('.')) continue
    const target = resolve(dirname(file), fileName.replace(/\.js$/, '.ts'))
    if (known.has(target)) targets.push(target)
  }
  edges.set(file, targets)
}

let index = 0
const indexOf = new Map()
const low = new Map()
const stack = []
const onStack = new Set()
const cycles = []
function connect(file) {
  indexOf.set(file, index)
  low.set(file, index++)
  stack.push(file)
  onStack.add(file)
  for (const next of edges.get(file) ?? []) {
    if (!indexOf.has(next)) {
      connect(next)
      low.set(file, Math.min(low.get(file), low.get(next)))
    } else if (onStack.has(next)) low.set(file, Math.min(low.get(file), indexOf.get(next)))
  }
  if (low.get(file) !== indexOf.get(file)) return
  const component = []
  let member
  do {
    member = stack.pop()
    onStack.delete(member)
    component.push(member)
  } while (member !== file)
  const selfImport = (edges.get(file) ?? []).includes(file)
  if (component.length > 1 || selfImport) cycles.push(component)
}
for (const file of files) if (!indexOf.has(file)) connect(file)

if (cycles.length > 0) {
  for (const cycle of cycles)
    process.stderr.write(`import cycle among: ${cycle.map((f) => relative(root, f)).join(', ')}\n`)
  process.exit(1)
}
process.stdout.write(`no import cycles among ${files.length} modules in src/\n`)
