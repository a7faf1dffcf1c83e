import { parseConfig, stringField } from '../../engine/config-spec.js'
import type { NodeDefinition } from '../../engine/registry.js'
import { Relation } from '../../engine/relations.js'
import type { MsgContext, NodeContext, RuleNode } from '../../engine/rule-node.js'
import type { TbMsg } from '../../msg/message.js'

const config = {
  scriptLang: stringField({
    default: 'TBEL',
    description: 'Kept for compatibility; scripts are not run, the message is logged as JSON'
  }),
  jsScript: stringField({ default: undefined, description: 'Kept for compatibility; not run' }),
  tbelScript: stringField({ default: undefined, description: 'Kept for compatibility; not run' })
} as const

/**
 * Logs each message and passes it on `Success` (ThingsBoard's TbLogNode). ThingsBoard formats the
 * line with a user script; this engine runs no scripts and logs the message's type, originator,
 * metadata and data instead, so that no script text from an export is ever executed.
 */
export class LogNode implements RuleNode {
  init(ctx: NodeContext, configuration: unknown): void {
    const { config: parsed } = parseConfig(config, configuration)
    const script = parsed.scriptLang === 'JS' ? parsed.jsScript : parsed.tbelScript
    if (script !== undefined && !isDefaultScript(script)) {
      ctx.logger.warn(
        `node "${ctx.nodeName}": its ${parsed.scriptLang} script is not run; messages are logged as JSON`
      )
    }
  }

  onMsg(ctx: MsgContext, msg: TbMsg): Promise<void> | undefined {
    ctx.logger.info(`${ctx.nodeName}: ${msg.type} from ${msg.originator.entityType} ${msg.originator.id}`, {
      metadata: msg.metadata,
      data: msg.data
    })
    return ctx.tellSuccess(msg)
  }

  destroy(): void {}
}

// ThingsBoard's default script only prints the message and its metadata, which is what we log.
function isDefaultScript(script: string): boolean {
  return /^\s*return\s+'\\nIncoming message:\\n'\s*\+\s*JSON\.stringify\(msg\)\s*\+\s*'\\nIncoming metadata:\\n'\s*\+\s*JSON\.stringify\(metadata\);?\s*$/.test(
    script
  )
}

/** The log node, as registered. */
export const logNodeDefinition: NodeDefinition = {
  type: 'org.thingsboard.rule.engine.action.TbLogNode',
  alias: 'log',
  description: 'Logs each message (type, originator, metadata, data) to stderr and passes it on "Success".',
  relations: [Relation.SUCCESS],
  config,
  create: () => new LogNode()
}
