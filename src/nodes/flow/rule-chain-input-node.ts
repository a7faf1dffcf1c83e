import { RULE_CHAIN_ENTER, RULE_CHAIN_INPUT_TYPE } from '../../engine/chain-bundle.js'
import { booleanField, parseConfig, stringField } from '../../engine/config-spec.js'
import type { NodeDefinition } from '../../engine/registry.js'
import type { Acceptance, MsgContext, NodeContext, RuleNode } from '../../engine/rule-node.js'
import type { TbMsg } from '../../msg/message.js'

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/

const config = {
  ruleChainId: stringField({
    default: undefined,
    nonEmpty: true,
    description: 'The id of the rule chain to call; it must be in the same file (an array of chain exports)'
  }),
  forwardMsgToDefaultRuleChain: booleanField({
    default: false,
    description:
      "ThingsBoard: call the originator's profile's default chain; without profiles here, ruleChainId is called"
  })
} as const

/**
 * Passes each message into another rule chain of the file (ThingsBoard's TbRuleChainInputNode).
 * What that chain's output nodes receive comes back out of this node on the relation named as
 * the output node; the engine wires both when it loads the file (chain-bundle.ts).
 */
export class RuleChainInputNode implements RuleNode {
  init(ctx: NodeContext, configuration: unknown): void {
    const { config: parsed } = parseConfig(config, configuration)
    if (parsed.ruleChainId === undefined) throw new Error('Rule chain must be set!')
    if (!UUID.test(parsed.ruleChainId))
      throw new Error(`Failed to parse rule chain id: ${parsed.ruleChainId}`)
    if (parsed.forwardMsgToDefaultRuleChain) {
      ctx.logger.warn(
        `node "${ctx.nodeName}": forwardMsgToDefaultRuleChain needs ThingsBoard's profiles; every message goes to rule chain ${parsed.ruleChainId}`
      )
    }
  }

  onMsg(ctx: MsgContext, msg: TbMsg): Acceptance {
    return ctx.tellNext(msg, RULE_CHAIN_ENTER)
  }

  destroy(): void {}
}

/** The rule chain node, as registered. */
export const ruleChainInputDefinition: NodeDefinition = {
  type: RULE_CHAIN_INPUT_TYPE,
  alias: 'rule-chain',
  description:
    'Passes each message into another rule chain of the file; its output nodes name the relations it comes back on.',
  relations: ["(the names of the called chain's output nodes)"],
  config,
  create: () => new RuleChainInputNode()
}
