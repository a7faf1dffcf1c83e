import { parseConfig } from '../../engine/config-spec.js'
import type { NodeDefinition } from '../../engine/registry.js'
import type { Acceptance, MsgContext, NodeContext, RuleNode } from '../../engine/rule-node.js'
import type { TbMsg } from '../../msg/message.js'
import { ENTITY_TYPES, entityTypeNormalName } from './entity-types.js'

/** Routes each message on its originator's entity type ("Device", "Asset", ...): ThingsBoard's TbOriginatorTypeSwitchNode. */
export class OriginatorTypeSwitchNode implements RuleNode {
  init(_ctx: NodeContext, configuration: unknown): void {
    parseConfig({}, configuration)
  }

  onMsg(ctx: MsgContext, msg: TbMsg): Acceptance {
    return ctx.tellNext(msg, entityTypeNormalName(msg.originator.entityType))
  }

  destroy(): void {}
}

/** The entity type switch, as registered. */
export const originatorTypeSwitchDefinition: NodeDefinition = {
  type: 'org.thingsboard.rule.engine.filter.TbOriginatorTypeSwitchNode',
  alias: 'originator-switch',
  description:
    'Routes each message on the relation named by its originator entity type ("Device", "Entity View", ...).',
  relations: ENTITY_TYPES.map(entityTypeNormalName),
  config: {},
  create: () => new OriginatorTypeSwitchNode()
}
