// Message schemas in the shape of Apache Kafka's `common/message/*.json`: each field with the
// versions it exists in. One decoder and one encoder serve every API and version, so a version
// that only adds a field is one line, not a copied codec. Flexible versions (KIP-482) use compact
// lengths and end each struct with a TAG_BUFFER.

import type { Reader } from './reader.js'
import type { Writer } from './writer.js'

/** A primitive field type. */
export type Primitive = 'int8' | 'int16' | 'int32' | 'int64' | 'bool' | 'string' | 'bytes' | 'uuid'

/** One field of a request or response. */
export interface Field {
  readonly name: string
  /** A primitive, or the fields of each element of an array of structs. */
  readonly type: Primitive | readonly Field[]
  /** An array (of the primitive or the struct). */
  readonly array: boolean
  readonly minVersion: number
  readonly maxVersion: number
  /** Versions from which null is allowed (strings, bytes, arrays). */
  readonly nullableFrom: number
}

/** A struct's fields, in wire order. */
export type Schema = readonly Field[]

/** A decoded struct. */
export type Struct = Record<string, unknown>

interface FieldOptions {
  readonly max?: number
  readonly nullableFrom?: number
}

/** A field present from version `min` (to `options.max`). */
export function field(name: string, type: Primitive, min = 0, options: FieldOptions = {}): Field {
  return {
    name,
    type,
    array: false,
    minVersion: min,
    maxVersion: options.max ?? 99,
    nullableFrom: options.nullableFrom ?? 99
  }
}

/** An array of primitives or of structs, present from version `min`. */
export function array(name: string, type: Primitive | Schema, min = 0, options: FieldOptions = {}): Field {
  return {
    name,
    type,
    array: true,
    minVersion: min,
    maxVersion: options.max ?? 99,
    nullableFrom: options.nullableFrom ?? 99
  }
}

function readPrimitive(reader: Reader, type: Primitive, compact: boolean): unknown {
  switch (type) {
    case 'int8':
      return reader.int8()
    case 'int16':
      return reader.int16()
    case 'int32':
      return reader.int32()
    case 'int64':
      return reader.int64()
    case 'bool':
      return reader.bool()
    case 'string':
      return reader.string(compact)
    case 'bytes':
      return reader.bytes(compact)
    case 'uuid':
      return reader.uuid()
  }
}

/** Decodes a struct of `schema` at `version`; `flexible` selects compact encodings and tag buffers. */
export function decode(reader: Reader, schema: Schema, version: number, flexible: boolean): Struct {
  const struct: Struct = {}
  for (const f of schema) {
    if (version < f.minVersion || version > f.maxVersion) continue
    if (!f.array) {
      struct[f.name] = readPrimitive(reader, f.type as Primitive, flexible)
      continue
    }
    const length = reader.arrayLength(flexible)
    if (length < 0) {
      struct[f.name] = null
      continue
    }
    const items: unknown[] = new Array(length)
    for (let i = 0; i < length; i++) {
      items[i] =
        typeof f.type === 'string'
          ? readPrimitive(reader, f.type, flexible)
          : decode(reader, f.type, version, flexible)
    }
    struct[f.name] = items
  }
  if (flexible) reader.skipTags()
  return struct
}

function defaultOf(f: Field, version: number): unknown {
  if (version >= f.nullableFrom) return null
  if (f.array) return []
  switch (f.type) {
    case 'int64':
      return 0n
    case 'bool':
      return false
    case 'string':
      return ''
    case 'bytes':
      return null
    case 'uuid':
      return '0'
    default:
      return 0
  }
}

function writePrimitive(writer: Writer, type: Primitive, value: unknown, compact: boolean): void {
  switch (type) {
    case 'int8':
      writer.int8(value as number)
      return
    case 'int16':
      writer.int16(value as number)
      return
    case 'int32':
      writer.int32(value as number)
      return
    case 'int64':
      writer.int64(value as bigint | number)
      return
    case 'bool':
      writer.bool(value as boolean)
      return
    case 'string':
      writer.string(value as string | null, compact)
      return
    case 'bytes':
      writer.bytes(value as Uint8Array | null, compact)
      return
    case 'uuid':
      writer.uuid(value as string)
  }
}

/** Encodes `struct` as `schema` at `version`; absent fields get their type's zero value. */
export function encode(
  writer: Writer,
  schema: Schema,
  version: number,
  flexible: boolean,
  struct: Struct
): void {
  for (const f of schema) {
    if (version < f.minVersion || version > f.maxVersion) continue
    const value = struct[f.name] ?? defaultOf(f, version)
    if (!f.array) {
      writePrimitive(writer, f.type as Primitive, value, flexible)
      continue
    }
    if (value === null) {
      writer.arrayLength(-1, flexible)
      continue
    }
    const items = value as unknown[]
    writer.arrayLength(items.length, flexible)
    for (const item of items) {
      if (typeof f.type === 'string') writePrimitive(writer, f.type, item, flexible)
      else encode(writer, f.type, version, flexible, item as Struct)
    }
  }
  if (flexible) writer.tags()
}
