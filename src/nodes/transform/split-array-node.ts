import { parseConfig } from '../../engine/config-spec.js'
import type { NodeDefinition } from '../../engine/registry.js'
import { Relation } from '../../engine/relations.js'
import type { Acceptance, MsgContext, NodeContext, RuleNode } from '../../engine/rule-node.js'
import { writeJson } from '../../msg/jackson-json.js'
import type { TbMsg } from '../../msg/message.js'

/**
 * Splits a JSON array body into one message per element, each on Success with the element as its
 * data and everything else (id included) unchanged (ThingsBoard's TbSplitArrayMsgNode). An empty
 * array is consumed; a body that is not an array fails the message.
 */
export class SplitArrayNode implements RuleNode {
  init(_ctx: NodeContext, configuration: unknown): void {
    parseConfig({}, configuration)
  }

  onMsg(ctx: MsgContext, msg: TbMsg): Acceptance {
    const tree = msg.tree()
    if (tree?.kind !== 'array') throw new Error('Msg data is not a JSON Array!')
    return ctx.tellEach(
      tree.items.map((item) => msg.with({ data: writeJson(item) })),
      Relation.SUCCESS
    )
  }

  destroy(): void {}
}

/** The split array node, as registered. */
export const splitArrayDefinition: NodeDefinition = {
  type: 'org.thingsboard.rule.engine.transform.TbSplitArrayMsgNode',
  alias: 'split-array',
  description: 'Splits a JSON array body into one message per element, each on "Success".',
  relations: [Relation.SUCCESS, Relation.FAILURE],
  config: {},
  create: () => new SplitArrayNode()
}
