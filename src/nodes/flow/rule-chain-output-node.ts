import { RULE_CHAIN_OUTPUT_TYPE } from '../../engine/chain-bundle.js'
import { parseConfig } from '../../engine/config-spec.js'
import type { NodeDefinition } from '../../engine/registry.js'
import type { Acceptance, MsgContext, NodeContext, RuleNode } from '../../engine/rule-node.js'
import type { TbMsg } from '../../msg/message.js'

/**
 * Returns each message to the calling chain on the relation of this node's name (ThingsBoard's
 * TbRuleChainOutputNode). In the main chain nobody calls: the message leaves the chain there.
 */
export class RuleChainOutputNode implements RuleNode {
  init(_ctx: NodeContext, configuration: unknown): void {
    parseConfig({}, configuration)
  }

  onMsg(ctx: MsgContext, msg: TbMsg): Acceptance {
    return ctx.tellNext(msg, ctx.nodeName)
  }

  destroy(): void {}
}

/** The output node, as registered. */
export const ruleChainOutputDefinition: NodeDefinition = {
  type: RULE_CHAIN_OUTPUT_TYPE,
  alias: 'output',
  description: 'Returns each message to the calling chain, on the relation named as this node.',
  relations: ["(this node's name)"],
  config: {},
  create: () => new RuleChainOutputNode()
}
