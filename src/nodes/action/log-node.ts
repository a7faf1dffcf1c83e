import { parseConfig } from '../../engine/config-spec.js'
import type { NodeDefinition } from '../../engine/registry.js'
import { Relation } from '../../engine/relations.js'
import type { MsgContext, NodeContext, RuleNode } from '../../engine/rule-node.js'
import type { TbMsg } from '../../msg/message.js'
import type { RuleNodeScript } from '../../script/rule-node-script.js'
import { compileScript, scriptFields } from '../script-config.js'

// ThingsBoard's TbLogNodeConfiguration default, the same text in both languages.
const DEFAULT_SCRIPT =
  "return '\\nIncoming message:\\n' + JSON.stringify(msg) + '\\nIncoming metadata:\\n' + JSON.stringify(metadata);"
const config = scriptFields({ js: DEFAULT_SCRIPT, tbel: DEFAULT_SCRIPT })

/**
 * Logs each message and passes it on `Success` (ThingsBoard's TbLogNode). As there, the default
 * script is not run (ThingsBoard prints data and metadata without it; this engine logs type,
 * originator, metadata and data as one structured line); any other script is run and the text it
 * returns is logged. A script that fails sends the message to `Failure`.
 */
export class LogNode implements RuleNode {
  #script: RuleNodeScript | undefined

  init(_ctx: NodeContext, configuration: unknown): void {
    const { config: parsed } = parseConfig(config, configuration)
    const script = parsed.scriptLang === 'TBEL' ? parsed.tbelScript : parsed.jsScript
    // No script at all is read as the default too (ThingsBoard would refuse a blank script): a
    // hand-written chain may leave the log node's configuration empty.
    if (script !== undefined && script !== DEFAULT_SCRIPT) this.#script = compileScript(parsed)
  }

  onMsg(ctx: MsgContext, msg: TbMsg): Promise<void> | undefined {
    if (this.#script === undefined) {
      ctx.logger.info(`${ctx.nodeName}: ${msg.type} from ${msg.originator.entityType} ${msg.originator.id}`, {
        metadata: msg.metadata,
        data: msg.data
      })
    } else {
      ctx.logger.info(`${ctx.nodeName}: ${this.#script.text(msg)}`)
    }
    return ctx.tellSuccess(msg)
  }

  destroy(): void {}
}

/** The log node, as registered. */
export const logNodeDefinition: NodeDefinition = {
  type: 'org.thingsboard.rule.engine.action.TbLogNode',
  alias: 'log',
  description:
    'Logs each message to stderr (with its script\'s text when the script is not ThingsBoard\'s default) and passes it on "Success" ("Failure" when the script fails).',
  relations: [Relation.SUCCESS],
  config,
  create: () => new LogNode()
}
