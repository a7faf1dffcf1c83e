import { parseConfig } from '../../engine/config-spec.js'
import type { NodeDefinition } from '../../engine/registry.js'
import { Relation } from '../../engine/relations.js'
import type { MsgContext, NodeContext, RuleNode } from '../../engine/rule-node.js'
import type { TbMsg } from '../../msg/message.js'
import type { RuleNodeScript } from '../../script/rule-node-script.js'
import { compileScript, scriptFields } from '../script-config.js'

const DEFAULT_SCRIPT = (equals: string): string =>
  `function nextRelation(metadata, msg) {\n    return ['one','nine'];\n}\nif(msgType ${equals} 'POST_TELEMETRY_REQUEST') {\n    return ['two'];\n}\nreturn nextRelation(metadata, msg);`
const config = scriptFields({ js: DEFAULT_SCRIPT('==='), tbel: DEFAULT_SCRIPT('==') })

/**
 * Routes each message on the relations its script names (ThingsBoard's TbJsSwitchNode): one
 * name, or an array of names, each relation once. An empty array routes the message nowhere: it
 * leaves the chain (reported with relation ""), as ThingsBoard acknowledges it.
 */
export class JsSwitchNode implements RuleNode {
  #script: RuleNodeScript | undefined

  init(_ctx: NodeContext, configuration: unknown): void {
    this.#script = compileScript(parseConfig(config, configuration).config)
  }

  onMsg(ctx: MsgContext, msg: TbMsg): Promise<void> | undefined {
    return ctx.tellNext(msg, (this.#script as RuleNodeScript).relations(msg))
  }

  destroy(): void {}
}

/** The script switch, as registered. */
export const jsSwitchDefinition: NodeDefinition = {
  type: 'org.thingsboard.rule.engine.filter.TbJsSwitchNode',
  alias: 'script-switch',
  description:
    'Routes each message on the relations its JS or TBEL script returns (a name or an array of names).',
  relations: ['(the names the script returns)', Relation.FAILURE],
  config,
  create: () => new JsSwitchNode()
}
