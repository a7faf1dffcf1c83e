import { booleanField, parseConfig, stringListField } from '../../engine/config-spec.js'
import type { NodeDefinition } from '../../engine/registry.js'
import { Relation } from '../../engine/relations.js'
import type { Acceptance, MsgContext, NodeContext, RuleNode } from '../../engine/rule-node.js'
import type { TbMsg } from '../../msg/message.js'

const config = {
  messageNames: stringListField({
    default: [],
    description: 'Keys that must be in the message data (a JSON object)'
  }),
  metadataNames: stringListField({ default: [], description: 'Keys that must be in the metadata' }),
  checkAllKeys: booleanField({
    default: true,
    description: 'true: every listed key must be present; false: at least one of them'
  })
} as const

/**
 * Checks that keys are present in the data and/or metadata: True or False (ThingsBoard's
 * TbCheckMessageNode). Data that is not a JSON object fails the message when data keys are listed.
 */
export class CheckMessageNode implements RuleNode {
  #messageNames: readonly string[] = []
  #metadataNames: readonly string[] = []
  #all = true

  init(_ctx: NodeContext, configuration: unknown): void {
    const { config: parsed } = parseConfig(config, configuration)
    this.#messageNames = parsed.messageNames
    this.#metadataNames = parsed.metadataNames
    this.#all = parsed.checkAllKeys
  }

  onMsg(ctx: MsgContext, msg: TbMsg): Acceptance {
    const inData = this.#messageNames.length === 0 ? undefined : dataKeys(msg)
    const inMetadata = (key: string): boolean => Object.hasOwn(msg.metadata, key)
    // ThingsBoard: all -> (data keys all present) && (metadata keys all present), an empty list
    // counting as present; at least one -> either list has one present, an empty list as none.
    const passes = this.#all
      ? this.#messageNames.every((k) => inData?.has(k) === true) && this.#metadataNames.every(inMetadata)
      : this.#messageNames.some((k) => inData?.has(k) === true) || this.#metadataNames.some(inMetadata)
    return ctx.tellNext(msg, passes ? Relation.TRUE : Relation.FALSE)
  }

  destroy(): void {}
}

function dataKeys(msg: TbMsg): ReadonlySet<string> {
  const tree = msg.tree()
  if (tree?.kind !== 'object')
    throw new TypeError('message data is not a JSON object, so its keys cannot be checked')
  return new Set(tree.fields.keys())
}

/** The check fields presence node, as registered. */
export const checkMessageDefinition: NodeDefinition = {
  type: 'org.thingsboard.rule.engine.filter.TbCheckMessageNode',
  alias: 'check-message',
  description: 'Checks that the listed data and metadata keys are present: "True" or "False".',
  relations: [Relation.TRUE, Relation.FALSE, Relation.FAILURE],
  config,
  create: () => new CheckMessageNode()
}
