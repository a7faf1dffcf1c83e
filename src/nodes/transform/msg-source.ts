// What ThingsBoard's key nodes (rename, copy, delete) share: where they work (TbMsgSource), the
// upgrade of older configurations to it, and key patterns matched as Java's Pattern.matches does.

import { ConfigError } from '../../errors.js'
import { enumField } from '../../engine/config-spec.js'

/** ThingsBoard's TbMsgSource. */
export type MsgSource = 'DATA' | 'METADATA'

/** A field naming a TbMsgSource. */
export function msgSourceField(description: string): ReturnType<typeof enumField<MsgSource>> {
  return enumField<MsgSource>({ values: ['DATA', 'METADATA'], default: 'DATA', description })
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * TbAbstractTransformNodeWithTbMsgSource.upgrade: configuration version 0 said `fromMetadata`
 * ("true"/"false"), version 1 `legacyKey` ("METADATA"/"DATA"); both become `key`.
 */
export function upgradeMsgSource(raw: unknown, key: string, legacyKey: string): unknown {
  if (!isObject(raw) || (raw[key] !== undefined && raw[key] !== null)) return raw
  const { fromMetadata, [legacyKey]: legacy, ...rest } = raw
  if (fromMetadata !== undefined && fromMetadata !== null) {
    // Version 0 wrote true/false here; version 1 of rename and copy wrote METADATA/DATA.
    const text = String(fromMetadata)
    const source = { true: 'METADATA', false: 'DATA', METADATA: 'METADATA', DATA: 'DATA' }[text]
    if (source === undefined) {
      throw new ConfigError(
        `fromMetadata must be true, false, "METADATA" or "DATA" (got ${JSON.stringify(fromMetadata)})`,
        { field: 'fromMetadata' }
      )
    }
    return { ...rest, [key]: source }
  }
  if (legacy === 'METADATA' || legacy === 'DATA') return { ...rest, [key]: legacy }
  return raw
}

/**
 * Key patterns, each a whole-key match as Java's `Pattern.compile(p).matcher(key).matches()`.
 * JavaScript's regular expressions read the patterns users write (`temp.*`, `a|b`, `\d+`) alike.
 */
export function keyMatcher(field: string, patterns: readonly string[]): (key: string) => boolean {
  const compiled = patterns.map((pattern, index) => {
    try {
      return new RegExp(`^(?:${pattern})$`, 'u')
    } catch (error) {
      throw new ConfigError(`${field}[${index}] is not a regular expression: ${(error as Error).message}`, {
        field
      })
    }
  })
  return (key) => compiled.some((regex) => regex.test(key))
}
