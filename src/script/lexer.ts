// Splits TBEL or JavaScript source into tokens, keeping every character (spaces and comments too) so that the
// translation can be written back with its lines where they were.

/** A token's kind. */
export type TokenKind = 'space' | 'comment' | 'string' | 'number' | 'word' | 'punct'

/** One token: its text and the line it starts on (1-based). */
export interface Token {
  readonly kind: TokenKind
  text: string
  readonly line: number
}

// Longest first, so that `===` is not read as `==` and `=`.
const PUNCTUATORS = [
  '>>>=',
  '...',
  '===',
  '!==',
  '>>>',
  '<<=',
  '>>=',
  '**=',
  '=>',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '??',
  '?.',
  '.?',
  '++',
  '--',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '<<',
  '>>',
  '**'
]

const NUMBER = /^(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[a-zA-Z]*/
const WORD = /^[A-Za-z_$][\w$]*/

/** The tokens of `source`; an unterminated string or comment is a TbelError-worthy problem for the caller. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = []
  let line = 1
  let pos = 0
  const push = (kind: TokenKind, text: string): void => {
    tokens.push({ kind, text, line })
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) line++
    pos += text.length
  }
  while (pos < source.length) {
    const rest = source.slice(pos, pos + 4)
    const char = source[pos] as string
    if (/\s/.test(char)) {
      push('space', /^\s+/.exec(source.slice(pos))?.[0] ?? char)
    } else if (rest.startsWith('//')) {
      const end = source.indexOf('\n', pos)
      push('comment', source.slice(pos, end < 0 ? source.length : end))
    } else if (rest.startsWith('/*')) {
      const end = source.indexOf('*/', pos + 2)
      push('comment', source.slice(pos, end < 0 ? source.length : end + 2))
    } else if (char === '"' || char === "'") {
      let end = pos + 1
      while (end < source.length && source[end] !== char && source[end] !== '\n')
        end += source[end] === '\\' ? 2 : 1
      push('string', source.slice(pos, end + 1))
    } else if (/[0-9]/.test(char) || (char === '.' && /[0-9]/.test(source[pos + 1] ?? ''))) {
      push('number', NUMBER.exec(source.slice(pos))?.[0] ?? char)
    } else if (WORD.test(rest)) {
      push('word', WORD.exec(source.slice(pos, pos + 256))?.[0] ?? char)
    } else {
      push('punct', PUNCTUATORS.find((p) => rest.startsWith(p)) ?? char)
    }
  }
  return tokens
}
