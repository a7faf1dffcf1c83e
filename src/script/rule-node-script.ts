// A node's script, compiled once, with what ThingsBoard's RuleNodeJsScriptEngine and
// RuleNodeTbelScriptEngine do with its result for each kind of node: a filter wants a boolean, a
// switch relation names, a transform `{ msg, metadata, msgType }` objects, the log node text.

import { randomUUID } from 'node:crypto'
import { ScriptError } from '../errors.js'
import type { Metadata, TbMsg } from '../msg/message.js'
import {
  jacksonAsText,
  jacksonJson,
  jacksonNodeType,
  javaToString,
  tbelClassName,
  type JsonValue
} from './java-text.js'
import { ScriptSandbox } from './sandbox.js'
import { TBEL_HELPERS, TBEL_PARSER } from './tbel/helpers.js'
import { translateTbel } from './tbel/translate.js'

/** The script languages of ThingsBoard's ScriptLanguage. */
export type ScriptLang = 'JS' | 'TBEL'

/** ThingsBoard's defaults for the per-call limit: js.remote.max_exec_requests_timeout and tbel.max_requests_timeout. */
export const DEFAULT_TIMEOUT_MS: Readonly<Record<ScriptLang, number>> = { JS: 2000, TBEL: 500 }

/** What a script is built from. */
export interface ScriptSpec {
  readonly lang: ScriptLang
  readonly source: string
  /** The names the script sees its arguments under (the generator's are prevMsg, prevMetadata, prevMsgType). */
  readonly argNames?: readonly [string, string, string]
  /** Per-call limit in milliseconds. */
  readonly timeoutMs: number
}

/** The parts of a message a script sees. */
export interface ScriptInput {
  readonly data: string
  readonly metadata: Metadata
  readonly type: string
}

/** What a transform or generator script made of a message: ThingsBoard's unbindMsg. */
export interface MsgParts {
  readonly type: string
  readonly metadata: Metadata
  readonly data: string
}

/** A compiled script and the rules of its language for reading what it returns. */
export class RuleNodeScript {
  readonly lang: ScriptLang
  readonly #sandbox: ScriptSandbox

  private constructor(lang: ScriptLang, sandbox: ScriptSandbox) {
    this.lang = lang
    this.#sandbox = sandbox
  }

  /** Compiles a script; a blank one, a syntax error or a TBEL construct we cannot run throws ScriptError. */
  static compile(spec: ScriptSpec): RuleNodeScript {
    // ThingsBoard's createScriptEngine refuses a blank script with this text.
    if (spec.source.trim() === '') throw new ScriptError(`${spec.lang} script is blank!`)
    const argNames = spec.argNames ?? ['msg', 'metadata', 'msgType']
    const sandbox =
      spec.lang === 'JS'
        ? ScriptSandbox.compile({ body: spec.source, argNames, timeoutMs: spec.timeoutMs })
        : ScriptSandbox.compile({
            body: translateTbel(spec.source, argNames),
            argNames,
            timeoutMs: spec.timeoutMs,
            prelude: TBEL_HELPERS,
            undefinedAsNull: true,
            parser: TBEL_PARSER
          })
    return new RuleNodeScript(spec.lang, sandbox)
  }

  /** Runs the script on a message; undefined when it returned nothing. Throws ScriptError. */
  run(input: ScriptInput): JsonValue | undefined {
    const out = this.#sandbox.invoke(input.data, JSON.stringify(input.metadata), input.type)
    return out === undefined ? undefined : (JSON.parse(out) as JsonValue)
  }

  /** A filter's verdict: the script must return a boolean. */
  filter(input: ScriptInput): boolean {
    const result = this.run(input)
    if (typeof result !== 'boolean') throw this.#wrongType(result, 'a filter script returns true or false')
    return result
  }

  /** A switch's relations: a string, or an array of strings (each once, in order). */
  relations(input: ScriptInput): string[] {
    const result = this.run(input)
    if (typeof result === 'string') return [result]
    if (!Array.isArray(result)) throw this.#wrongType(result, 'a switch script returns relation names')
    const names = new Set<string>()
    for (const name of result) {
      if (typeof name !== 'string') throw this.#wrongType(name, 'a switch script returns relation names')
      names.add(name)
    }
    return [...names]
  }

  /** The log node's line: JS must return text; TBEL text as is, anything else as JSON. */
  text(input: ScriptInput): string {
    const result = this.run(input)
    if (typeof result === 'string') return result
    if (this.lang === 'TBEL') return result === undefined ? 'null' : jacksonJson(result)
    throw this.#wrongType(result, 'a log script returns text')
  }

  /** A transform's messages: one per `{ msg, metadata, msgType }` object returned (or an array of them). */
  transform(msg: TbMsg): TbMsg[] {
    const result = this.run(msg)
    const rule = 'a transform script returns { msg, metadata, msgType } or an array of them'
    let parts: MsgParts[]
    if (isObject(result)) parts = [this.#unbind(result, msg)]
    else if (!Array.isArray(result)) throw this.#wrongType(result, rule)
    else if (this.lang === 'JS') {
      // Jackson's has() is false on anything but an object: such an element copies the message.
      parts = result.map((element) => this.#unbind(isObject(element) ? element : {}, msg))
    } else {
      parts = result.map((element) => {
        if (!isObject(element)) throw this.#wrongType(element, rule)
        return this.#unbind(element, msg)
      })
    }
    if (parts.length === 0) throw new ScriptError('Message or messages list are empty!')
    // One result keeps the message's id; several are queued as new messages with ids of their own.
    if (parts.length === 1) return [msg.with(parts[0] as MsgParts)]
    return parts.map((part) => msg.with({ ...part, id: randomUUID() }))
  }

  /** A generator's next message from the previous one: the script must return an object. */
  generate(prev: ScriptInput): MsgParts {
    const result = this.run(prev)
    if (!isObject(result)) {
      throw this.#wrongType(result, 'a generator script returns { msg, metadata, msgType }')
    }
    return this.#unbind(result, prev)
  }

  #wrongType(result: JsonValue | undefined, rule: string): ScriptError {
    const type = this.lang === 'JS' ? jacksonNodeType(result) : tbelClassName(result)
    return new ScriptError(`Wrong result type: ${type} (${rule})`)
  }

  // ThingsBoard's unbindMsg: each part that is absent is taken from the message.
  #unbind(result: { [key: string]: JsonValue }, msg: ScriptInput): MsgParts {
    const data = Object.hasOwn(result, 'msg') ? jacksonJson(result.msg as JsonValue) : msg.data
    const metadata = Object.hasOwn(result, 'metadata')
      ? this.#metadata(result.metadata as JsonValue)
      : undefined
    let type: string | undefined
    if (Object.hasOwn(result, 'msgType')) {
      const value = result.msgType as JsonValue
      if (this.lang === 'TBEL' && value === null) throw new ScriptError('msgType is null')
      type = this.lang === 'JS' ? jacksonAsText(value) : javaToString(value)
    }
    return {
      type: type === undefined || type === '' ? msg.type : type,
      metadata: metadata ?? msg.metadata,
      data
    }
  }

  // Jackson's convertValue to Map<String, String> (JS), or each value's toString (TBEL); null
  // values are dropped, as TbMsgMetaData does; a null metadata keeps the message's.
  #metadata(value: JsonValue): Metadata | undefined {
    if (value === null) return undefined
    if (!isObject(value)) {
      throw new ScriptError(
        `metadata must be an object of strings (got ${jacksonNodeType(value).toLowerCase()})`
      )
    }
    const out: Record<string, string> = {}
    for (const [key, entry] of Object.entries(value)) {
      if (entry === null) continue
      if (this.lang === 'JS' && typeof entry === 'object') {
        throw new ScriptError(
          `metadata.${key}: Cannot deserialize value of type \`java.lang.String\` from ${Array.isArray(entry) ? 'Array' : 'Object'} value`
        )
      }
      out[key] = this.lang === 'JS' ? jacksonAsText(entry) : javaToString(entry)
    }
    return out
  }
}

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
