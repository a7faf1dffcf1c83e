import { parseConfig } from '../../engine/config-spec.js'
import type { NodeDefinition } from '../../engine/registry.js'
import { Relation } from '../../engine/relations.js'
import type { MsgContext, NodeContext, RuleNode } from '../../engine/rule-node.js'
import type { TbMsg } from '../../msg/message.js'
import type { RuleNodeScript } from '../../script/rule-node-script.js'
import { compileScript, scriptFields } from '../script-config.js'

const DEFAULT_SCRIPT = 'return msg.temperature > 20;'
const config = scriptFields({ js: DEFAULT_SCRIPT, tbel: DEFAULT_SCRIPT })

/**
 * Routes each message on `True` or `False` by what its script returns (ThingsBoard's
 * TbJsFilterNode). A script that throws, runs out of time or returns anything but a boolean sends
 * the message to `Failure`; the engine does that for the ScriptError thrown here.
 */
export class JsFilterNode implements RuleNode {
  #script: RuleNodeScript | undefined

  init(_ctx: NodeContext, configuration: unknown): void {
    this.#script = compileScript(parseConfig(config, configuration).config)
  }

  onMsg(ctx: MsgContext, msg: TbMsg): Promise<void> | undefined {
    const pass = (this.#script as RuleNodeScript).filter(msg)
    return ctx.tellNext(msg, pass ? Relation.TRUE : Relation.FALSE)
  }

  destroy(): void {}
}

/** The script filter, as registered. */
export const jsFilterDefinition: NodeDefinition = {
  type: 'org.thingsboard.rule.engine.filter.TbJsFilterNode',
  alias: 'script-filter',
  description: 'Routes each message on "True" or "False" by the boolean its JS or TBEL script returns.',
  relations: [Relation.TRUE, Relation.FALSE, Relation.FAILURE],
  config,
  create: () => new JsFilterNode()
}
