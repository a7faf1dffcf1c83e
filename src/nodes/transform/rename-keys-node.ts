import { parseConfig, stringMapField } from '../../engine/config-spec.js'
import type { NodeDefinition } from '../../engine/registry.js'
import { Relation } from '../../engine/relations.js'
import type { Acceptance, MsgContext, NodeContext, RuleNode } from '../../engine/rule-node.js'
import { ConfigError } from '../../errors.js'
import { writeJson, type JsonNode } from '../../msg/jackson-json.js'
import type { TbMsg } from '../../msg/message.js'
import { msgSourceField, upgradeMsgSource, type MsgSource } from './msg-source.js'

const config = {
  renameIn: msgSourceField('Where to rename keys: "DATA" (a JSON object body) or "METADATA"'),
  renameKeysMapping: stringMapField({ description: 'Current key -> new key' })
} as const

/**
 * Renames data or metadata keys (ThingsBoard's TbRenameKeysNode). Mappings apply in order, each
 * as "put the new key, then remove the old", as ThingsBoard does. A message with nothing to
 * rename goes on as it came; data that is not JSON fails it.
 */
export class RenameKeysNode implements RuleNode {
  #renameIn: MsgSource = 'DATA'
  #mapping: readonly (readonly [string, string])[] = []

  init(_ctx: NodeContext, configuration: unknown): void {
    const { config: parsed } = parseConfig(
      config,
      upgradeMsgSource(configuration, 'renameIn', 'fromMetadata')
    )
    this.#renameIn = parsed.renameIn
    this.#mapping = Object.entries(parsed.renameKeysMapping)
    if (this.#mapping.length === 0) {
      throw new ConfigError('renameKeysMapping must have at least one entry', { field: 'renameKeysMapping' })
    }
  }

  onMsg(ctx: MsgContext, msg: TbMsg): Acceptance {
    if (this.#renameIn === 'METADATA') {
      const metadata: Record<string, string> = { ...msg.metadata }
      let changed = false
      for (const [from, to] of this.#mapping) {
        if (!Object.hasOwn(metadata, from)) continue
        changed = true
        metadata[to] = metadata[from] as string
        delete metadata[from]
      }
      return ctx.tellSuccess(changed ? msg.with({ metadata }) : msg)
    }
    const tree = msg.tree()
    if (tree === undefined) throw new TypeError('message data is not JSON')
    if (tree.kind !== 'object') return ctx.tellSuccess(msg)
    const fields = new Map<string, JsonNode>(tree.fields)
    let changed = false
    for (const [from, to] of this.#mapping) {
      const value = fields.get(from)
      if (value === undefined) continue
      changed = true
      fields.set(to, value)
      fields.delete(from)
    }
    return ctx.tellSuccess(changed ? msg.with({ data: writeJson({ kind: 'object', fields }) }) : msg)
  }

  destroy(): void {}
}

/** The rename keys node, as registered. */
export const renameKeysDefinition: NodeDefinition = {
  type: 'org.thingsboard.rule.engine.transform.TbRenameKeysNode',
  alias: 'rename-keys',
  description: 'Renames keys of the data (a JSON object) or of the metadata.',
  relations: [Relation.SUCCESS, Relation.FAILURE],
  config,
  create: () => new RenameKeysNode()
}
