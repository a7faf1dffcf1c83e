import { parseConfig, integerField } from '../../engine/config-spec.js'
import type { NodeDefinition } from '../../engine/registry.js'
import { Relation } from '../../engine/relations.js'
import type { MsgContext, NodeContext, RuleNode } from '../../engine/rule-node.js'
import type { TbMsg } from '../../msg/message.js'
import { MSG_TYPE_RELATIONS } from './msg-type-relations.js'

const config = {
  version: integerField({
    default: 0,
    min: 0,
    description: 'Configuration version, as ThingsBoard exports it'
  })
} as const

/** Routes each message on the relation named by its type (ThingsBoard's TbMsgTypeSwitchNode). */
export class MsgTypeSwitchNode implements RuleNode {
  init(_ctx: NodeContext, configuration: unknown): void {
    parseConfig(config, configuration)
  }

  onMsg(ctx: MsgContext, msg: TbMsg): Promise<void> | undefined {
    return ctx.tellNext(msg, MSG_TYPE_RELATIONS[msg.type] ?? Relation.OTHER)
  }

  destroy(): void {}
}

/** The message-type switch, as registered. */
export const msgTypeSwitchDefinition: NodeDefinition = {
  type: 'org.thingsboard.rule.engine.filter.TbMsgTypeSwitchNode',
  alias: 'msg-type-switch',
  description: 'Routes each message on the relation named by its type ("Post telemetry", ...), else "Other".',
  relations: [...new Set(Object.values(MSG_TYPE_RELATIONS)), Relation.OTHER],
  config,
  create: () => new MsgTypeSwitchNode()
}
