// MVEL's `==` compares values as Java's equals does (a map or list by its contents), where
// JavaScript's compares objects by identity and converts between strings, numbers and booleans.
// Each `a == b` / `a != b` becomes a call of the prelude's __tbelEq; its operands are found by
// JavaScript's precedence (relational, arithmetic, unary and member operators bind tighter than
// equality; logical, conditional and assignment operators and separators looser).

import type { Token } from '../lexer.js'

/** One comparison: the tokens its left operand starts and right operand ends at, and the operator's. */
export interface Comparison {
  readonly start: number
  readonly op: number
  readonly end: number
}

const LOOSER = new Set([
  ',',
  ';',
  '?',
  ':',
  '=',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '<<=',
  '>>=',
  '>>>=',
  '**=',
  '&&',
  '||',
  '&',
  '|',
  '^',
  '==',
  '!='
])
const STATEMENT_WORDS = new Set(['return', 'if', 'else', 'while', 'for', 'do', 'var', 'foreach'])

function leftStart(code: readonly Token[], op: number): number {
  let depth = 0
  let i = op - 1
  for (; i >= 0; i--) {
    const token = code[i] as Token
    const text = token.text
    if (text === ')' || text === ']') depth++
    else if (text === '(' || text === '[') {
      if (depth === 0) break
      depth--
    } else if (depth === 0) {
      if (text === '{' || text === '}' || LOOSER.has(text)) break
      if (token.kind === 'word' && STATEMENT_WORDS.has(text)) break
    }
  }
  return i + 1
}

function rightEnd(code: readonly Token[], op: number): number {
  let depth = 0
  let i = op + 1
  for (; i < code.length; i++) {
    const text = (code[i] as Token).text
    if (text === '(' || text === '[' || text === '{') depth++
    else if (text === ')' || text === ']' || text === '}') {
      if (depth === 0) break
      depth--
    } else if (depth === 0 && LOOSER.has(text)) break
  }
  return i - 1
}

/** Every `==` and `!=` of the script with its operands. */
export function comparisons(code: readonly Token[]): Comparison[] {
  const found: Comparison[] = []
  for (let op = 0; op < code.length; op++) {
    const text = (code[op] as Token).text
    if (code[op]?.kind !== 'punct' || (text !== '==' && text !== '!=')) continue
    found.push({ start: leftStart(code, op), op, end: rightEnd(code, op) })
  }
  return found
}
