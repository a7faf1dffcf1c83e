// JSONPath with Jayway's semantics as ThingsBoard's TbJsonPathNode uses it (JsonPath.read on
// Jackson nodes): a definite path (only names and indexes) gives its one value or fails with
// PathNotFoundException; any other path (wildcards, `..`, filters, unions, slices) gives the list of
// what it matched, maybe empty. Definite paths are walked here on the Jackson tree; the others are
// matched by jsonpath-plus, whose filters are JavaScript expressions in its safe evaluator, and
// the matches are taken back from the Jackson tree so that numbers print as Jackson prints them.
// A path may end with one of Jayway's functions (`length()`, `min()`, ...).

import { JSONPath } from 'jsonpath-plus'
import { ConfigError } from '../../errors.js'
import { fromJsValue, type JsonNode } from '../../msg/jackson-json.js'
import { javaDoubleToString } from '../../msg/java-double.js'

/** Jayway's PathNotFoundException, named so in Failure metadata. */
export class PathNotFoundException extends Error {
  override readonly name = 'PathNotFoundException'
}

const FUNCTION = /\.(length|size|min|max|avg|stddev|sum|first|last|keys)\(\)\s*$/
// Jayway filter operators that JavaScript has no meaning for: refused at load, never guessed.
const JAYWAY_ONLY = /=~|\s(?:in|nin|subsetof|anyof|noneof|size|empty)\s/

/** A compiled path. */
export interface CompiledJsonPath {
  read(tree: JsonNode): JsonNode
}

function isIndex(token: string): boolean {
  return /^-?\d+$/.test(token)
}

function quoted(tokens: readonly string[]): string {
  return '$' + tokens.map((t) => (isIndex(t) ? `[${t}]` : `['${t}']`)).join('')
}

/** Compiles a Jayway path; a path this engine cannot read as Jayway would is a ConfigError. */
export function compileJsonPath(path: string): CompiledJsonPath {
  const trimmed = path.trim()
  if (!trimmed.startsWith('$')) {
    throw new ConfigError(`jsonPath must start with "$" (got ${JSON.stringify(path)})`, { field: 'jsonPath' })
  }
  if (JAYWAY_ONLY.test(trimmed)) {
    throw new ConfigError(
      `jsonPath ${JSON.stringify(path)} uses a Jayway filter operator (=~, in, nin, subsetof, anyof, noneof, size, empty) that is not supported; write the filter as a JavaScript comparison`,
      { field: 'jsonPath' }
    )
  }
  const fn = FUNCTION.exec(trimmed)
  const body = fn === null ? trimmed : trimmed.slice(0, fn.index)
  const tokens = JSONPath.toPathArray(body).slice(1)
  const firstIndefinite = tokens.findIndex(
    (t) => t === '*' || t === '..' || /^[?(^~@]/.test(t) || /[,:]/.test(t)
  )
  // Jayway: a property missing on the definite stretch before the first wildcard, scan or filter
  // fails the read ("Missing property in path"); beyond it, what is missing is just not matched.
  const prefix = tokens.slice(0, firstIndefinite)
  const select =
    firstIndefinite === -1
      ? (tree: JsonNode) => walk(tree, tokens)
      : (tree: JsonNode) => {
          walk(tree, prefix, { leaf: false })
          return search(tree, body)
        }
  const name = fn?.[1]
  return { read: name === undefined ? select : (tree) => applyFunction(name, select(tree)) }
}

function walk(tree: JsonNode, tokens: readonly string[], options = { leaf: true }): JsonNode {
  let node = tree
  for (const [i, token] of tokens.entries()) {
    let next: JsonNode | undefined
    if (node.kind === 'object') next = node.fields.get(token)
    else if (node.kind === 'array' && isIndex(token)) {
      const index = Number(token)
      next = node.items[index < 0 ? node.items.length + index : index]
    }
    if (next === undefined) {
      throw new PathNotFoundException(
        options.leaf && i === tokens.length - 1
          ? `No results for path: ${quoted(tokens)}`
          : `Missing property in path ${quoted(tokens.slice(0, i + 1))}`
      )
    }
    node = next
  }
  return node
}

function toJs(node: JsonNode): unknown {
  switch (node.kind) {
    case 'object':
      return Object.fromEntries([...node.fields].map(([k, v]) => [k, toJs(v)]))
    case 'array':
      return node.items.map(toJs)
    case 'null':
      return null
    default:
      return node.value
  }
}

function atPointer(tree: JsonNode, pointer: string): JsonNode {
  let node = tree
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~')
    const next =
      node.kind === 'object'
        ? node.fields.get(key)
        : node.kind === 'array'
          ? node.items[Number(key)]
          : undefined
    if (next === undefined) return { kind: 'null' }
    node = next
  }
  return node
}

function search(tree: JsonNode, path: string): JsonNode {
  const results = JSONPath({
    path,
    json: toJs(tree) as object,
    resultType: 'pointer',
    wrap: true
  }) as string[]
  return { kind: 'array', items: results.map((pointer) => atPointer(tree, pointer)) }
}

function numbers(node: JsonNode, name: string): number[] {
  const items = node.kind === 'array' ? node.items : [node]
  const values = items.flatMap((item) => (item.kind === 'number' ? [item.value] : []))
  if (values.length === 0) {
    throw new Error(`Aggregation function attempted to calculate value using empty array (${name}())`)
  }
  return values
}

/** A double result, as Jayway's aggregation functions return it (`4.0`, not `4`). */
function double(value: number): JsonNode {
  return { kind: 'number', text: javaDoubleToString(value), value }
}

function applyFunction(name: string, node: JsonNode): JsonNode {
  switch (name) {
    case 'length':
    case 'size': {
      const size =
        node.kind === 'array' ? node.items.length : node.kind === 'object' ? node.fields.size : undefined
      if (size === undefined) throw new Error(`${name}() needs an array or an object`)
      return fromJsValue(size)
    }
    case 'keys':
      if (node.kind !== 'object') throw new Error('keys() needs an object')
      return { kind: 'array', items: [...node.fields.keys()].map((value) => ({ kind: 'string', value })) }
    case 'first':
    case 'last': {
      if (node.kind !== 'array' || node.items.length === 0)
        throw new Error(`${name}() needs a non-empty array`)
      return node.items[name === 'first' ? 0 : node.items.length - 1] as JsonNode
    }
    default: {
      const values = numbers(node, name)
      const sum = values.reduce((a, b) => a + b, 0)
      const avg = sum / values.length
      const result =
        name === 'min'
          ? Math.min(...values)
          : name === 'max'
            ? Math.max(...values)
            : name === 'sum'
              ? sum
              : name === 'avg'
                ? avg
                : Math.sqrt(values.reduce((a, b) => a + b * b, 0) / values.length - avg * avg)
      return double(result)
    }
  }
}
