// Runs a rule-node script as ThingsBoard's js-executor does (RuleNodeScriptFactory wraps the body in
// `function ruleNodeFunc(msg, metadata, msgType) { ... }` inside a function of the raw strings
// `msgStr, metadataStr, msgType` that JSON.parses the first two and JSON.stringifies the result),
// in a node:vm context of its own.
//
// What keeps the script in its box: nothing of the host realm ever enters the context (only
// strings are handed in, and they are parsed in there; the context object has no prototype), so
// no constructor chain reaches the host's Function; the context has only ECMAScript's built-ins
// (no require, process, timers or network) and makes no code from strings; every run of code in
// it is under the vm time limit, and no promise job can outlive a call (see refuseAsync); the
// host never calls a context function or reads a context object, only the string the runner
// returns.

import vm from 'node:vm'
import { types } from 'node:util'
import { ScriptError } from '../errors.js'
import { tokenize } from './lexer.js'

/** ThingsBoard's `js.max_script_body_size` / `tbel.max_script_body_size` default. */
export const MAX_SCRIPT_BODY_CHARS = 50_000
/** ThingsBoard's `js.max_result_size` / `tbel.max_result_size` default. */
export const MAX_RESULT_CHARS = 300_000

/** How to build a sandboxed script. */
export interface SandboxOptions {
  /** The script body, as ThingsBoard stores it (the inside of a function). */
  readonly body: string
  /** The names the body sees its three arguments under: `msg, metadata, msgType` for most nodes. */
  readonly argNames: readonly [string, string, string]
  /** Per-call time limit, in milliseconds. */
  readonly timeoutMs: number
  /** JavaScript run in the context before the body is defined (e.g. TBEL's helper functions). */
  readonly prelude?: string
  /** Serialise `undefined` values as null (TBEL has no undefined: a missing key reads as null). */
  readonly undefinedAsNull?: boolean
  /** The prelude's function that parses the data and metadata, instead of JSON.parse. */
  readonly parser?: string
}

/** What one call gives: the JSON text of the script's result, or undefined when it returned nothing. */
export type ScriptOutput = string | undefined

const FILE = 'script'
const ARGS = ['__krnMsgStr', '__krnMetadataStr', '__krnMsgType'] as const
// Compiled once for every sandbox: the per-call entry, run under the time limit.
const CALL = new vm.Script(`__krnRun(${ARGS.join(', ')})`, { filename: 'call' })

// The runner turns everything the body does into one string: 'R' + JSON, 'U' (undefined) or
// 'E' + line + newline + error text, so that the host reads only a primitive. Error details are read in here,
// under the time limit, because a thrown object's getters are script code.
function runnerSource(options: SandboxOptions): { source: string; bodyLine: number } {
  const replacer =
    options.undefinedAsNull === true ? 'function (k, v) { return v === undefined ? null : v; }' : 'undefined'
  const [a, b, c] = options.argNames
  const head = [
    `Object.defineProperty(globalThis, '__krnRun', Object.assign(Object.create(null), { value: (function (__krnParse, __krnStringify, __krnString, __krnReplacer, __krnKeys) {`,
    `  function __krnDescribe(e) {`,
    `    if ((typeof e !== 'object' || e === null) && typeof e !== 'function') return '\\nError: ' + __krnString(e);`,
    `    var text = __krnString(e.name) + ': ' + __krnString(e.message);`,
    `    var stack = typeof e.stack === 'string' ? e.stack : '';`,
    `    var frames = stack.split('\\n');`,
    `    for (var i = 0; i < frames.length; i++) {`,
    `      var at = /^\\s+at (?:.*\\()?${FILE}:(\\d+):\\d+\\)?$/.exec(frames[i]);`,
    `      if (at !== null) return at[1] + '\\n' + text;`,
    `    }`,
    `    return '\\n' + text;`,
    `  }`,
    `  return function (msgStr, metadataStr, msgType) {`,
    `    try {`,
    `      var msg = __krnParse(msgStr);`,
    `      var metadata = __krnParse(metadataStr);`,
    `      var __krnOut = __krnStringify(ruleNodeFunc(msg, metadata, msgType), __krnReplacer);`,
    `      return __krnOut === undefined ? 'U' : 'R' + __krnOut;`,
    `    } catch (e) {`,
    `      return 'E' + __krnDescribe(e);`,
    // ThingsBoard's sandbox gives every call a fresh context; this one lives as long as its node,
    // so what a call left in the global scope (an assignment without var) goes before the next.
    `    } finally {`,
    `      for (var __krnLeft = __krnKeys(globalThis), __krnI = 0; __krnI < __krnLeft.length; __krnI++) delete globalThis[__krnLeft[__krnI]];`,
    `    }`,
    `    function ruleNodeFunc(${a}, ${b}, ${c}) {`
  ]
  const tail = [
    ``,
    `    }`,
    `  };`,
    `})(${options.parser ?? 'JSON.parse'}, JSON.stringify, String, ${replacer}, Object.keys) }));`
  ]
  const prelude = options.prelude === undefined ? [] : [options.prelude]
  const lines = [...prelude, ...head]
  return {
    source: `${lines.join('\n')}\n${options.body}${tail.join('\n')}`,
    bodyLine: lines.join('\n').split('\n').length + 1
  }
}

// A promise job runs after the call's code, where a time limit that fires corrupts Node's async
// hook stack; so no job may be made: async/await are refused here, the context has no Promise,
// WebAssembly, Atomics, WeakRef or FinalizationRegistry, and code cannot be made from strings.
function refuseAsync(body: string): void {
  for (const token of tokenize(body)) {
    if (token.kind === 'word' && (token.text === 'async' || token.text === 'await')) {
      throw new ScriptError(
        `line ${token.line}: ${token.text} is not supported here (scripts run synchronously)`
      )
    }
  }
}

const REMOVED_GLOBALS = ['Promise', 'WebAssembly', 'Atomics', 'WeakRef', 'FinalizationRegistry', 'eval']

/** The line a V8 SyntaxError points at, from the first line of its stack (`script:3`). */
function syntaxErrorLine(error: Error): number | undefined {
  const first = (error.stack ?? '').split('\n', 1)[0] ?? ''
  const match = new RegExp(`^${FILE}:(-?\\d+)$`).exec(first)
  return match === null ? undefined : Number(match[1])
}

// Read through a property descriptor: a getter on a thrown object is script code, not to be run here.
function isTimeout(error: unknown): boolean {
  if (!types.isNativeError(error) || types.isProxy(error)) return false
  return Object.getOwnPropertyDescriptor(error, 'code')?.value === 'ERR_SCRIPT_EXECUTION_TIMEOUT'
}

/** A script compiled once into a context of its own, called once per message. */
export class ScriptSandbox {
  readonly #context: vm.Context
  readonly #globals: Record<string, unknown>
  readonly #timeoutMs: number

  private constructor(context: vm.Context, globals: Record<string, unknown>, timeoutMs: number) {
    this.#context = context
    this.#globals = globals
    this.#timeoutMs = timeoutMs
  }

  /** Compiles the body; a syntax error, an oversized body or a setup that does not finish throws ScriptError. */
  static compile(options: SandboxOptions): ScriptSandbox {
    if (options.body.length > MAX_SCRIPT_BODY_CHARS) {
      throw new ScriptError(
        `script body exceeds maximum allowed size of ${MAX_SCRIPT_BODY_CHARS} symbols (${options.body.length})`
      )
    }
    refuseAsync(options.body)
    const { source, bodyLine } = runnerSource(options)
    let script: vm.Script
    try {
      // The offset makes V8 count the body's first line as line 1, as the user wrote it.
      script = new vm.Script(source, { filename: FILE, lineOffset: 1 - bodyLine })
    } catch (error) {
      const line = error instanceof Error ? syntaxErrorLine(error) : undefined
      const where = line === undefined || line < 1 ? '' : ` (line ${line})`
      throw new ScriptError(
        `${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}${where}`
      )
    }
    // No prototype: a global lookup that misses the context's own globals must not reach the
    // host's Object through this object (`this.constructor.constructor('return process')`).
    const globals = Object.create(null) as Record<string, unknown>
    const context = vm.createContext(globals, {
      name: 'rule-node script',
      codeGeneration: { strings: false, wasm: false },
      microtaskMode: 'afterEvaluate'
    })
    vm.runInContext(`for (const name of ${JSON.stringify(REMOVED_GLOBALS)}) delete globalThis[name]`, context)
    try {
      script.runInContext(context, { timeout: options.timeoutMs })
    } catch (error) {
      if (isTimeout(error)) throw new ScriptError(`script setup timed out after ${options.timeoutMs} ms`)
      throw new ScriptError('script setup failed: the body must be the inside of a function')
    }
    return new ScriptSandbox(context, globals, options.timeoutMs)
  }

  /** Runs the script on one message's data, metadata JSON and type; throws ScriptError when it fails. */
  invoke(msgStr: string, metadataStr: string, msgType: string): ScriptOutput {
    const globals = this.#globals
    // defineProperty, not assignment: a setter the script put on the global must not run here.
    Object.defineProperty(globals, ARGS[0], { value: msgStr, configurable: true, writable: true })
    Object.defineProperty(globals, ARGS[1], { value: metadataStr, configurable: true, writable: true })
    Object.defineProperty(globals, ARGS[2], { value: msgType, configurable: true, writable: true })
    let out: unknown
    try {
      out = CALL.runInContext(this.#context, { timeout: this.#timeoutMs })
    } catch (error) {
      if (isTimeout(error)) throw new ScriptError(`script execution timed out after ${this.#timeoutMs} ms`)
      throw new ScriptError('the script broke out of its function')
    }
    if (typeof out !== 'string') throw new ScriptError('the script broke out of its function')
    const kind = out.charCodeAt(0)
    if (kind === 0x55 /* U */) return undefined
    if (kind === 0x52 /* R */) {
      if (out.length - 1 > MAX_RESULT_CHARS) {
        throw new ScriptError(
          `script invocation result exceeds maximum allowed size of ${MAX_RESULT_CHARS} symbols`
        )
      }
      return out.slice(1)
    }
    // 'E' + line (or nothing) + '\n' + text: the line first, as a message may hold newlines.
    const newline = out.indexOf('\n')
    const line = out.slice(1, newline)
    const text = out.slice(newline + 1)
    throw new ScriptError(line === '' ? text : `${text} (line ${line})`)
  }
}
