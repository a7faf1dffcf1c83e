// A node's configuration declared once (name, type, default, description): the one declaration
// drives validation, the README's table and `kafka-rule-node describe`.

import { ConfigError } from '../errors.js'

/** One configuration field: how to document it and how to read it from JSON. */
export interface FieldSpec<T> {
  /** A short type for docs: `string`, `integer`, `boolean`, `"-1" | "0" | ...`, `object`. */
  readonly type: string
  /** The value when the field is absent or null; undefined means "none". */
  readonly default: T
  readonly description: string
  /** Reads a present, non-null value; returns an error text (without the field name) when it is bad. */
  readonly read: (value: unknown) => { value: T } | { error: string }
}

/** A node's configuration declaration: field name -> spec, in documentation order. */
export type ConfigSpec = Readonly<Record<string, FieldSpec<unknown>>>

/** The typed object that a declaration parses to. */
export type ConfigOf<S extends ConfigSpec> = { -readonly [K in keyof S]: S[K]['default'] }

function got(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object' && value !== null) return 'an object'
  return String(value)
}

/** A string field. */
export function stringField<D extends string | undefined>(options: {
  default: D
  description: string
  nonEmpty?: boolean
}): FieldSpec<string | D> {
  return {
    type: 'string',
    default: options.default,
    description: options.description,
    read: (value) => {
      if (typeof value !== 'string') return { error: `must be a string (got ${got(value)})` }
      if (options.nonEmpty === true && value.trim() === '') return { error: 'must not be empty' }
      return { value }
    }
  }
}

/** An integer field; numeric strings are accepted, as Jackson coerces them. */
export function integerField(options: {
  default: number
  description: string
  min?: number
  max?: number
}): FieldSpec<number> {
  const min = options.min ?? Number.MIN_SAFE_INTEGER
  const max = options.max ?? Number.MAX_SAFE_INTEGER
  const range = options.max === undefined ? `>= ${min}` : `between ${min} and ${max}`
  return {
    type: 'integer',
    default: options.default,
    description: options.description,
    read: (value) => {
      const number = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value
      if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < min || number > max) {
        return { error: `must be an integer ${range} (got ${got(value)})` }
      }
      return { value: number }
    }
  }
}

/** A boolean field; "true" and "false" are accepted, as Jackson coerces them. */
export function booleanField(options: { default: boolean; description: string }): FieldSpec<boolean> {
  return {
    type: 'boolean',
    default: options.default,
    description: options.description,
    read: (value) => {
      if (value === true || value === 'true') return { value: true }
      if (value === false || value === 'false') return { value: false }
      return { error: `must be true or false (got ${got(value)})` }
    }
  }
}

/** A field whose value is one of a fixed set of strings (numbers are read as their text). */
export function enumField<V extends string>(options: {
  values: readonly V[]
  default: V
  description: string
}): FieldSpec<V> {
  return {
    type: options.values.map((v) => JSON.stringify(v)).join(' | '),
    default: options.default,
    description: options.description,
    read: (value) => {
      const text = typeof value === 'number' ? String(value) : value
      if (typeof text === 'string' && (options.values as readonly string[]).includes(text)) {
        return { value: text as V }
      }
      return { error: `must be one of ${options.values.join(', ')} (got ${got(value)})` }
    }
  }
}

/** An object of string values; numbers and booleans are read as their text, as Jackson does. */
export function stringMapField(options: {
  description: string
}): FieldSpec<Readonly<Record<string, string>>> {
  return {
    type: 'object (string -> string)',
    default: {},
    description: options.description,
    read: (value) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return { error: `must be an object of strings (got ${got(value)})` }
      }
      const out: Record<string, string> = {}
      for (const [key, entry] of Object.entries(value)) {
        if (typeof entry === 'string') out[key] = entry
        else if (typeof entry === 'number' || typeof entry === 'boolean') out[key] = String(entry)
        else if (entry !== null) return { error: `.${key} must be a string (got ${got(entry)})` }
      }
      return { value: out }
    }
  }
}

/**
 * A list of strings (ThingsBoard's List<String> or Set<String>), optionally each one of `values`.
 * Numbers are read as their text, as Jackson coerces them.
 */
export function stringListField(options: {
  default: readonly string[]
  description: string
  values?: readonly string[]
}): FieldSpec<readonly string[]> {
  const values = options.values
  return {
    type: values === undefined ? 'string[]' : `(${values.map((v) => JSON.stringify(v)).join(' | ')})[]`,
    default: options.default,
    description: options.description,
    read: (value) => {
      if (!Array.isArray(value)) return { error: `must be an array of strings (got ${got(value)})` }
      const out: string[] = []
      for (const [index, entry] of value.entries()) {
        const text = typeof entry === 'number' ? String(entry) : entry
        if (typeof text !== 'string') return { error: `[${index}] must be a string (got ${got(entry)})` }
        if (values !== undefined && !values.includes(text)) {
          return { error: `[${index}] must be one of ${values.join(', ')} (got ${got(entry)})` }
        }
        out.push(text)
      }
      return { value: out }
    }
  }
}

/** What parsing a configuration gives: the typed values, and the names it did not know. */
export interface ParsedConfig<S extends ConfigSpec> {
  readonly config: ConfigOf<S>
  readonly unknownFields: readonly string[]
}

/**
 * Reads a JSON configuration against a declaration. Absent and null fields take their default;
 * a bad value throws a ConfigError naming the field, the value and what is allowed.
 */
export function parseConfig<S extends ConfigSpec>(spec: S, raw: unknown): ParsedConfig<S> {
  if (raw === undefined || raw === null) raw = {}
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`configuration must be a JSON object (got ${got(raw)})`)
  }
  const input = raw as Record<string, unknown>
  const config: Record<string, unknown> = {}
  for (const [name, field] of Object.entries(spec)) {
    const value = input[name]
    if (value === undefined || value === null) {
      config[name] = field.default
      continue
    }
    const result = field.read(value)
    if ('error' in result) {
      const separator = result.error.startsWith('.') || result.error.startsWith('[') ? '' : ' '
      throw new ConfigError(`${name}${separator}${result.error}`, { field: name })
    }
    config[name] = result.value
  }
  const unknownFields = Object.keys(input).filter((name) => !Object.hasOwn(spec, name))
  return { config: config as ConfigOf<S>, unknownFields }
}

function defaultText(value: unknown): string {
  if (value === undefined) return '(none)'
  return JSON.stringify(value)
}

/** The declaration as a Markdown table: field, type, default, description. */
export function configTableMarkdown(spec: ConfigSpec): string {
  const rows = Object.entries(spec).map(
    ([name, field]) =>
      `| \`${name}\` | ${field.type.replaceAll('|', '\\|')} | \`${defaultText(field.default)}\` | ${field.description} |`
  )
  return ['| field | type | default | description |', '|---|---|---|---|', ...rows].join('\n')
}

/** The declaration as plain text for a terminal. */
export function configHelpText(spec: ConfigSpec): string {
  return Object.entries(spec)
    .map(
      ([name, field]) =>
        `  ${name}  (${field.type}, default ${defaultText(field.default)})\n      ${field.description}`
    )
    .join('\n')
}
