import { parseConfig, stringListField } from '../../engine/config-spec.js'
import type { NodeDefinition } from '../../engine/registry.js'
import { Relation } from '../../engine/relations.js'
import type { Acceptance, MsgContext, NodeContext, RuleNode } from '../../engine/rule-node.js'
import { writeJson, type JsonNode } from '../../msg/jackson-json.js'
import type { TbMsg } from '../../msg/message.js'
import { keyMatcher, msgSourceField, upgradeMsgSource, type MsgSource } from './msg-source.js'

const config = {
  deleteFrom: msgSourceField('Where to delete keys: "DATA" (a JSON object body) or "METADATA"'),
  keys: stringListField({
    default: [],
    description: 'Key patterns (Java regular expressions matching the whole key)'
  })
} as const

/** Deletes data or metadata keys that match (ThingsBoard's TbDeleteKeysNode); data that is not JSON fails the message. */
export class DeleteKeysNode implements RuleNode {
  #deleteFrom: MsgSource = 'DATA'
  #matches: (key: string) => boolean = () => false

  init(_ctx: NodeContext, configuration: unknown): void {
    const { config: parsed } = parseConfig(
      config,
      upgradeMsgSource(configuration, 'deleteFrom', 'dataToFetch')
    )
    this.#deleteFrom = parsed.deleteFrom
    this.#matches = keyMatcher('keys', parsed.keys)
  }

  onMsg(ctx: MsgContext, msg: TbMsg): Acceptance {
    if (this.#deleteFrom === 'METADATA') {
      const kept = Object.entries(msg.metadata).filter(([key]) => !this.#matches(key))
      const changed = kept.length !== Object.keys(msg.metadata).length
      return ctx.tellSuccess(changed ? msg.with({ metadata: Object.fromEntries(kept) }) : msg)
    }
    const tree = msg.tree()
    if (tree === undefined) throw new TypeError('message data is not JSON')
    if (tree.kind !== 'object') return ctx.tellSuccess(msg)
    const fields = new Map<string, JsonNode>()
    for (const [key, value] of tree.fields) if (!this.#matches(key)) fields.set(key, value)
    const changed = fields.size !== tree.fields.size
    return ctx.tellSuccess(changed ? msg.with({ data: writeJson({ kind: 'object', fields }) }) : msg)
  }

  destroy(): void {}
}

/** The delete key-value pairs node, as registered. */
export const deleteKeysDefinition: NodeDefinition = {
  type: 'org.thingsboard.rule.engine.transform.TbDeleteKeysNode',
  alias: 'delete-keys',
  description: 'Deletes key-value pairs whose keys match from the data (a JSON object) or the metadata.',
  relations: [Relation.SUCCESS, Relation.FAILURE],
  config,
  create: () => new DeleteKeysNode()
}
