// Turns a TBEL script (ThingsBoard's MVEL dialect) into the JavaScript that runs it the same way, or
// refuses it. TBEL shares JavaScript's statements, operators and literals; what it adds is written
// in JavaScript where the meaning is the same (typed declarations `int i = 0`, number suffixes
// `10L`, `str.length()`, a value left by the last statement), its helper functions and collection
// methods come from the prelude (helpers.ts), and every other construct is refused with its line:
// a script either runs as ThingsBoard runs it or does not load.

import { ScriptError } from '../../errors.js'
import { comparisons } from './equality.js'
import { TBEL_FUNCTIONS, TBEL_METHODS, TBEL_UTILS } from './helpers.js'
import { tokenize, type Token } from '../lexer.js'

// Java declarations that read as `var` (the value's type is the value's own, as in MVEL).
const TYPES = new Set([
  'var',
  'int',
  'long',
  'double',
  'float',
  'boolean',
  'String',
  'Integer',
  'Long',
  'Double',
  'Float',
  'Boolean',
  'Object',
  'Map',
  'List'
])
const KEYWORDS = new Set([
  'if',
  'else',
  'for',
  'while',
  'do',
  'return',
  'function',
  'break',
  'continue',
  'true',
  'false',
  'null'
])
const GLOBALS = new Set(['JSON', 'Math'])
// JavaScript's own names for the number of each math function, which Java's Math has too.
const MATH = new Set([
  'abs',
  'ceil',
  'floor',
  'round',
  'max',
  'min',
  'pow',
  'sqrt',
  'cbrt',
  'random',
  'sin',
  'cos',
  'tan',
  'asin',
  'acos',
  'atan',
  'atan2',
  'exp',
  'log',
  'log10',
  'signum',
  'hypot'
])

// Why some constructs are refused, in the words of the error.
const REFUSED_WORDS: Readonly<Record<string, string>> = {
  def: 'MVEL def functions are not supported here; use function name(args) { ... }',
  until: 'MVEL until loops are not supported here',
  with: 'MVEL with blocks are not supported here',
  new: 'creating Java objects (new ...) is not supported here',
  java: 'Java classes are not supported here',
  isdef: 'MVEL isdef is not supported here',
  empty: 'MVEL empty literals are not supported here',
  nil: 'MVEL nil is not supported here',
  is: 'MVEL type tests (is / instanceof) are not supported here',
  instanceof: 'MVEL type tests (is / instanceof) are not supported here',
  contains: 'the MVEL contains operator is not supported here; use .contains(...)',
  soundslike: 'the MVEL soundslike operator is not supported here',
  strsim: 'the MVEL strsim operator is not supported here',
  convertable_to: 'the MVEL convertable_to operator is not supported here',
  import: 'imports are not supported here',
  switch: 'switch statements are not supported here',
  try: 'try/catch is not TBEL',
  throw: 'throw is not TBEL; use raiseError(message)',
  undefined: 'undefined is not TBEL; compare with null',
  typeof: 'typeof is not TBEL',
  this: 'this is not TBEL'
}
const REFUSED_PUNCTUATORS: Readonly<Record<string, string>> = {
  '===': '=== is not TBEL; use ==',
  '!==': '!== is not TBEL; use !=',
  '=>': 'arrow functions are not TBEL',
  '?.': '?. is not TBEL',
  '??': '?? is not TBEL',
  '...': 'spread (...) is not TBEL',
  '.?': 'MVEL null-safe navigation (.?) is not supported here',
  '`': 'template strings are not TBEL',
  '#': 'MVEL # is not supported here',
  '@': 'MVEL @ is not supported here'
}

function refuse(token: Token, what: string): never {
  throw new ScriptError(`TBEL line ${token.line}: ${what}`)
}

/** The names a script gives values: declarations, assignments, functions and their parameters. */
function declaredNames(code: readonly Token[], argNames: readonly string[]): Set<string> {
  const names = new Set([...argNames, ...GLOBALS, ...TBEL_FUNCTIONS])
  for (let i = 0; i < code.length; i++) {
    const token = code[i] as Token
    const next = code[i + 1]
    if (token.kind !== 'word' || code[i - 1]?.text === '.') continue
    if ((TYPES.has(token.text) || token.text === 'function') && next?.kind === 'word') names.add(next.text)
    if (next?.text === '=') names.add(token.text)
    const loop = foreachHeader(code, i)
    if (loop !== undefined) names.add((code[loop.name] as Token).text)
    if (token.text === 'function') {
      let j = i + 1
      while (j < code.length && code[j]?.text !== '(') j++
      for (j++; j < code.length && code[j]?.text !== ')'; j++)
        if (code[j]?.kind === 'word') names.add(code[j]?.text ?? '')
    }
  }
  return names
}

/** Where the parts of an MVEL `foreach (x : items)` or `for (x : items)` header are, if token i starts one. */
function foreachHeader(
  code: readonly Token[],
  i: number
): { name: number; colon: number; close: number } | undefined {
  const word = code[i]
  if (word?.kind !== 'word' || (word.text !== 'foreach' && word.text !== 'for') || code[i - 1]?.text === '.')
    return undefined
  if (code[i + 1]?.text !== '(') return undefined
  // `foreach (String s : list)` names a type first.
  const typed = TYPES.has(code[i + 2]?.text ?? '') && code[i + 3]?.kind === 'word'
  const name = typed ? i + 3 : i + 2
  if (code[name]?.kind !== 'word' || code[name + 1]?.text !== ':') return undefined
  let depth = 0
  for (let j = i + 1; j < code.length; j++) {
    const text = (code[j] as Token).text
    if (text === '(') depth++
    else if (text === ')' && --depth === 0) return { name, colon: name + 1, close: j }
  }
  return undefined
}

function checkWord(code: readonly Token[], i: number, names: ReadonlySet<string>): void {
  const token = code[i] as Token
  const prev = code[i - 1]
  const next = code[i + 1]
  if (prev?.text === '.') {
    if (next?.text === '(') {
      if (token.text === 'length' && code[i + 2]?.text === ')') {
        // Java's String.length() is JavaScript's length property.
        next.text = ''
        ;(code[i + 2] as Token).text = ''
        return
      }
      const receiver = code[i - 2]
      const known =
        receiver?.text === 'Math'
          ? MATH.has(token.text)
          : receiver?.text === 'JSON'
            ? token.text === 'stringify' || token.text === 'parse'
            : TBEL_METHODS.has(token.text)
      if (!known) refuse(token, `the method .${token.text}() is not supported here`)
    } else if (token.text === 'size') {
      refuse(token, 'write .size() with parentheses here')
    }
    return
  }
  const why = REFUSED_WORDS[token.text]
  if (why !== undefined) refuse(token, why)
  if (KEYWORDS.has(token.text)) return
  if (TYPES.has(token.text) && next?.kind === 'word') {
    token.text = 'var'
    return
  }
  if (next?.text === '(' && prev?.text !== 'function' && !names.has(token.text)) {
    if (TBEL_UTILS.has(token.text)) refuse(token, `the TBEL function ${token.text}() is not supported here`)
    refuse(token, `unknown function ${token.text}()`)
  }
  // A name before ':' is an object key; any other name must be given a value somewhere.
  if (next?.text !== ':' && !names.has(token.text)) refuse(token, `unknown name ${token.text}`)
}

function checkNumber(token: Token): void {
  const suffix = /[a-zA-Z]+$/.exec(token.text)?.[0]
  if (suffix === undefined || /^0[xX]/.test(token.text)) return
  // 10L, 1.5f, 2d: the same number; BigDecimal and BigInteger literals have no JavaScript twin.
  if (!/^[lLfFdD]$/.test(suffix)) refuse(token, `the number literal ${token.text} is not supported here`)
  token.text = token.text.slice(0, -1)
}

// A `/` where a value is expected would start a JavaScript regular expression, which TBEL has not.
function isRegexStart(prev: Token | undefined): boolean {
  if (prev === undefined) return true
  if (prev.kind === 'punct') return ![')', ']', '}'].includes(prev.text)
  return prev.kind === 'word' && (KEYWORDS.has(prev.text) || TYPES.has(prev.text))
}

/**
 * MVEL's value is its last statement's: when the script ends in an expression (`msg.t > 20`, or
 * `{msg: msg}`, a map literal in MVEL), that token gets `return` before it.
 */
function lastExpressionStart(code: readonly Token[]): number | undefined {
  let start = 0
  const stack: string[] = []
  for (let i = 0; i < code.length; i++) {
    const text = (code[i] as Token).text
    if (text === '(' || text === '[') stack.push(text)
    else if (text === '{') {
      const prev = code[i - 1]?.text
      const block = prev === ')' || prev === 'else' || prev === 'do'
      stack.push(block ? 'block' : 'map')
    } else if (text === ')' || text === ']') stack.pop()
    else if (text === '}') {
      if (stack.pop() === 'block' && stack.length === 0) start = i + 1
    } else if (text === ';' && stack.length === 0 && i < code.length - 1) start = i + 1
  }
  const first = code[start]
  if (first === undefined) return undefined
  if (
    first.kind === 'word' &&
    (KEYWORDS.has(first.text) ||
      first.text === 'foreach' ||
      (TYPES.has(first.text) && code[start + 1]?.kind === 'word'))
  )
    return undefined
  return start
}

/** JavaScript for a TBEL script; a construct that cannot run the same throws ScriptError naming its line. */
export function translateTbel(
  source: string,
  argNames: readonly string[] = ['msg', 'metadata', 'msgType']
): string {
  const tokens = tokenize(source)
  const code = tokens.filter((t) => t.kind !== 'space' && t.kind !== 'comment')
  const names = declaredNames(code, argNames)
  const loops: { start: number; name: number; colon: number; close: number }[] = []
  for (let i = 0; i < code.length; i++) {
    const token = code[i] as Token
    if (token.kind === 'string') {
      if (token.text.length < 2 || token.text.at(-1) !== token.text[0])
        refuse(token, 'the string is not closed on its line')
    } else if (token.kind === 'comment') {
      continue
    } else if (token.kind === 'number') {
      checkNumber(token)
    } else if (token.kind === 'word' && foreachHeader(code, i) !== undefined) {
      const loop = foreachHeader(code, i) as { name: number; colon: number; close: number }
      loops.push({ start: i, ...loop })
      i = loop.colon
    } else if (token.kind === 'word') {
      checkWord(code, i, names)
    } else {
      const why = REFUSED_PUNCTUATORS[token.text]
      if (why !== undefined) refuse(token, why)
      if (token.text === '/' && isRegexStart(code[i - 1])) refuse(token, 'regular expressions are not TBEL')
    }
  }
  // Found on the tokens as written, then applied: each rewrite only adds text around tokens.
  const returnAt = lastExpressionStart(code)
  for (const { start, op, end } of comparisons(code)) {
    const first = code[start] as Token
    const last = code[end] as Token
    first.text = `${(code[op] as Token).text === '!=' ? '!' : ''}__tbelEq(${first.text}`
    ;(code[op] as Token).text = ','
    last.text = `${last.text})`
  }
  if (returnAt !== undefined) (code[returnAt] as Token).text = `return ${(code[returnAt] as Token).text}`
  // MVEL's foreach walks a list's items, a map's entries (key, value, getKey(), getValue()), a
  // string's characters or the numbers 1..n: __tbelIter gives JavaScript's for-of the same.
  for (const loop of loops) {
    const start = code[loop.start] as Token
    start.text = 'for'
    for (let j = loop.start + 2; j < loop.name; j++) (code[j] as Token).text = ''
    ;(code[loop.name] as Token).text = `var ${(code[loop.name] as Token).text}`
    ;(code[loop.colon] as Token).text = 'of __tbelIter('
    ;(code[loop.close] as Token).text = '))'
  }
  return tokens.map((t) => t.text).join('')
}
