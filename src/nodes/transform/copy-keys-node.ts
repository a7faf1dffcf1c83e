import { parseConfig, stringListField } from '../../engine/config-spec.js'
import type { NodeDefinition } from '../../engine/registry.js'
import { Relation } from '../../engine/relations.js'
import type { Acceptance, MsgContext, NodeContext, RuleNode } from '../../engine/rule-node.js'
import { writeJson, type JsonNode } from '../../msg/jackson-json.js'
import type { TbMsg } from '../../msg/message.js'
import { keyMatcher, msgSourceField, upgradeMsgSource, type MsgSource } from './msg-source.js'

const config = {
  copyFrom: msgSourceField('"DATA": copy matching data keys into the metadata; "METADATA": the other way'),
  keys: stringListField({
    default: [],
    description: 'Key patterns (Java regular expressions matching the whole key)'
  })
} as const

/**
 * Copies matching keys between data and metadata (ThingsBoard's TbCopyKeysNode). A data value
 * that is not text is copied as its JSON; metadata values go into the data as strings. The data
 * must be JSON; when it is not an object nothing is copied.
 */
export class CopyKeysNode implements RuleNode {
  #copyFrom: MsgSource = 'DATA'
  #matches: (key: string) => boolean = () => false

  init(_ctx: NodeContext, configuration: unknown): void {
    const { config: parsed } = parseConfig(
      config,
      upgradeMsgSource(configuration, 'copyFrom', 'fromMetadata')
    )
    this.#copyFrom = parsed.copyFrom
    this.#matches = keyMatcher('keys', parsed.keys)
  }

  onMsg(ctx: MsgContext, msg: TbMsg): Acceptance {
    const tree = msg.tree()
    if (tree === undefined) throw new TypeError('message data is not JSON')
    if (tree.kind !== 'object') return ctx.tellSuccess(msg)
    if (this.#copyFrom === 'METADATA') {
      const fields = new Map<string, JsonNode>(tree.fields)
      let changed = false
      for (const [key, value] of Object.entries(msg.metadata)) {
        if (!this.#matches(key)) continue
        changed = true
        fields.set(key, { kind: 'string', value })
      }
      return ctx.tellSuccess(changed ? msg.with({ data: writeJson({ kind: 'object', fields }) }) : msg)
    }
    const added: Record<string, string> = {}
    let changed = false
    for (const [key, value] of tree.fields) {
      if (!this.#matches(key)) continue
      changed = true
      added[key] = value.kind === 'string' ? value.value : writeJson(value)
    }
    return ctx.tellSuccess(changed ? msg.withMetadata(added) : msg)
  }

  destroy(): void {}
}

/** The copy key-value pairs node, as registered. */
export const copyKeysDefinition: NodeDefinition = {
  type: 'org.thingsboard.rule.engine.transform.TbCopyKeysNode',
  alias: 'copy-keys',
  description: 'Copies key-value pairs whose keys match from the data to the metadata, or the other way.',
  relations: [Relation.SUCCESS, Relation.FAILURE],
  config,
  create: () => new CopyKeysNode()
}
