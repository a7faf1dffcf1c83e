import { parseConfig } from '../../engine/config-spec.js'
import type { NodeDefinition } from '../../engine/registry.js'
import { Relation } from '../../engine/relations.js'
import type { MsgContext, NodeContext, RuleNode } from '../../engine/rule-node.js'
import type { TbMsg } from '../../msg/message.js'
import type { RuleNodeScript } from '../../script/rule-node-script.js'
import { compileScript, scriptFields } from '../script-config.js'

const DEFAULT_SCRIPT = 'return {msg: msg, metadata: metadata, msgType: msgType};'
const config = scriptFields({ js: DEFAULT_SCRIPT, tbel: DEFAULT_SCRIPT })

/**
 * Changes a message's data, metadata or type with a script (ThingsBoard's TbTransformMsgNode).
 * The script returns `{ msg, metadata, msgType }` (each part optional: an absent one is kept) or
 * an array of them: one message each on `Success`. An empty array is a `Failure`.
 */
export class TransformMsgNode implements RuleNode {
  #script: RuleNodeScript | undefined

  init(_ctx: NodeContext, configuration: unknown): void {
    this.#script = compileScript(parseConfig(config, configuration).config)
  }

  onMsg(ctx: MsgContext, msg: TbMsg): Promise<void> | undefined {
    return ctx.tellEach((this.#script as RuleNodeScript).transform(msg), Relation.SUCCESS)
  }

  destroy(): void {}
}

/** The script transform, as registered. */
export const transformMsgDefinition: NodeDefinition = {
  type: 'org.thingsboard.rule.engine.transform.TbTransformMsgNode',
  alias: 'script-transform',
  description:
    'Changes data, metadata or type with a JS or TBEL script returning {msg, metadata, msgType} or an array of them.',
  relations: [Relation.SUCCESS, Relation.FAILURE],
  config,
  create: () => new TransformMsgNode()
}
