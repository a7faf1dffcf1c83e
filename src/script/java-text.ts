// How ThingsBoard's Java side writes what a script returned: Jackson's compact JSON (a script's
// `msg` becomes the data string through JacksonUtil.toString), Jackson's asText (JS metadata
// values, msgType) and Java's toString (TBEL metadata values, msgType).

import { javaDoubleToString } from '../msg/java-double.js'

/** A value as JSON.parse gives it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }

/**
 * A number as Java prints it. JSON.stringify writes whole numbers below 1e21 as digits, which
 * Jackson reads as an int, long or BigInteger and writes back the same; every other number is a
 * Java double, printed by Java 17's Double.toString (`1.0E21`, `1.23456789E7`, `1.0E-4`).
 */
export function javaNumberText(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return String(value)
  return javaDoubleToString(value)
}

/** Compact JSON as Jackson writes a tree parsed from JSON.stringify's output. */
export function jacksonJson(value: JsonValue): string {
  if (value === null) return 'null'
  if (typeof value === 'number') return javaNumberText(value)
  if (typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(jacksonJson).join(',')}]`
  const members: string[] = []
  for (const [key, member] of Object.entries(value))
    members.push(`${JSON.stringify(key)}:${jacksonJson(member)}`)
  return `{${members.join(',')}}`
}

/** Jackson's JsonNode.asText: text as is, numbers and booleans as text, null as "null", containers as "". */
export function jacksonAsText(value: JsonValue): string {
  if (value === null) return 'null'
  if (typeof value === 'string') return value
  if (typeof value === 'number') return javaNumberText(value)
  if (typeof value === 'boolean') return String(value)
  return ''
}

/** Java's toString of a value TBEL holds: a map prints as `{k=v, k2=v2}`, a list as `[a, b]`. */
export function javaToString(value: JsonValue): string {
  if (value === null) return 'null'
  if (typeof value === 'string') return value
  if (typeof value === 'number') return javaNumberText(value)
  if (typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) return `[${value.map(javaToString).join(', ')}]`
  return `{${Object.entries(value)
    .map(([key, member]) => `${key}=${javaToString(member)}`)
    .join(', ')}}`
}

/** The Jackson node type ThingsBoard names in "Wrong result type: ..." for a JavaScript result. */
export function jacksonNodeType(value: JsonValue | undefined): string {
  if (value === undefined) return 'MISSING'
  if (value === null) return 'NULL'
  if (Array.isArray(value)) return 'ARRAY'
  if (typeof value === 'object') return 'OBJECT'
  if (typeof value === 'string') return 'STRING'
  if (typeof value === 'number') return 'NUMBER'
  return 'BOOLEAN'
}

/** The Java class ThingsBoard names in "Wrong result type: ..." for a TBEL result. */
export function tbelClassName(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return 'null'
  if (Array.isArray(value)) return 'ExecutionArrayList'
  if (typeof value === 'object') return 'ExecutionHashMap'
  if (typeof value === 'string') return 'String'
  if (typeof value === 'number') return Number.isInteger(value) ? 'Integer' : 'Double'
  return 'Boolean'
}
