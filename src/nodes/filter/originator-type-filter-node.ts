import { parseConfig, stringListField } from '../../engine/config-spec.js'
import type { NodeDefinition } from '../../engine/registry.js'
import { Relation } from '../../engine/relations.js'
import type { Acceptance, MsgContext, NodeContext, RuleNode } from '../../engine/rule-node.js'
import type { TbMsg } from '../../msg/message.js'
import { ENTITY_TYPES } from './entity-types.js'

const config = {
  originatorTypes: stringListField({
    default: ['DEVICE'],
    values: ENTITY_TYPES,
    description: 'Originator entity types that pass ("True"); any other goes to "False"'
  })
} as const

/** "True" when the originator's entity type is listed, else "False" (ThingsBoard's TbOriginatorTypeFilterNode). */
export class OriginatorTypeFilterNode implements RuleNode {
  #types: ReadonlySet<string> = new Set()

  init(_ctx: NodeContext, configuration: unknown): void {
    this.#types = new Set(parseConfig(config, configuration).config.originatorTypes)
  }

  onMsg(ctx: MsgContext, msg: TbMsg): Acceptance {
    return ctx.tellNext(msg, this.#types.has(msg.originator.entityType) ? Relation.TRUE : Relation.FALSE)
  }

  destroy(): void {}
}

/** The entity type filter, as registered. */
export const originatorTypeFilterDefinition: NodeDefinition = {
  type: 'org.thingsboard.rule.engine.filter.TbOriginatorTypeFilterNode',
  alias: 'originator-filter',
  description: 'Passes messages whose originator is of a listed entity type on "True", others on "False".',
  relations: [Relation.TRUE, Relation.FALSE],
  config,
  create: () => new OriginatorTypeFilterNode()
}
