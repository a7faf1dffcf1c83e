import { parseConfig, stringListField } from '../../engine/config-spec.js'
import type { NodeDefinition } from '../../engine/registry.js'
import { Relation } from '../../engine/relations.js'
import type { Acceptance, MsgContext, NodeContext, RuleNode } from '../../engine/rule-node.js'
import type { TbMsg } from '../../msg/message.js'

const config = {
  messageTypes: stringListField({
    default: ['POST_ATTRIBUTES_REQUEST', 'POST_TELEMETRY_REQUEST', 'TO_SERVER_RPC_REQUEST'],
    description: 'Message types that pass ("True"); any other type goes to "False"'
  })
} as const

/** "True" when the message type is one of the configured ones, else "False" (ThingsBoard's TbMsgTypeFilterNode). */
export class MsgTypeFilterNode implements RuleNode {
  #types: ReadonlySet<string> = new Set()

  init(_ctx: NodeContext, configuration: unknown): void {
    this.#types = new Set(parseConfig(config, configuration).config.messageTypes)
  }

  onMsg(ctx: MsgContext, msg: TbMsg): Acceptance {
    return ctx.tellNext(msg, this.#types.has(msg.type) ? Relation.TRUE : Relation.FALSE)
  }

  destroy(): void {}
}

/** The message type filter, as registered. */
export const msgTypeFilterDefinition: NodeDefinition = {
  type: 'org.thingsboard.rule.engine.filter.TbMsgTypeFilterNode',
  alias: 'msg-type-filter',
  description: 'Passes messages of the listed types on "True", others on "False".',
  relations: [Relation.TRUE, Relation.FALSE],
  config,
  create: () => new MsgTypeFilterNode()
}
