import { enumField, integerField, parseConfig, stringField } from '../../engine/config-spec.js'
import type { NodeDefinition } from '../../engine/registry.js'
import { Relation } from '../../engine/relations.js'
import type { MsgContext, NodeContext, RuleNode, SourceContext } from '../../engine/rule-node.js'
import { ConfigError } from '../../errors.js'
import { TbMsg, type Originator } from '../../msg/message.js'
import type { MsgParts, RuleNodeScript } from '../../script/rule-node-script.js'
import { compileScript, scriptFields } from '../script-config.js'

// ThingsBoard's TbMsgGeneratorNodeConfiguration.DEFAULT_SCRIPT, the same in both languages.
const DEFAULT_SCRIPT =
  'var msg = { temp: 42, humidity: 77 };\nvar metadata = { data: 40 };\nvar msgType = "POST_TELEMETRY_REQUEST";\n\nreturn { msg: msg, metadata: metadata, msgType: msgType };'

const ORIGINATOR_TYPES = [
  'DEVICE',
  'ASSET',
  'ENTITY_VIEW',
  'TENANT',
  'CUSTOMER',
  'USER',
  'DASHBOARD',
  'EDGE',
  'RULE_NODE'
] as const

const config = {
  msgCount: integerField({
    default: 0,
    min: 0,
    description: 'Messages to make; 0: no limit (the run then goes on until SIGTERM or SIGINT)'
  }),
  periodInSeconds: integerField({
    default: 1,
    min: 0,
    description: 'Seconds between messages; the first comes one period after the start (0: back to back)'
  }),
  originatorType: enumField({
    values: ORIGINATOR_TYPES,
    default: 'RULE_NODE',
    description: "Entity type of the messages' originator; RULE_NODE: this node (its id)"
  }),
  originatorId: stringField({
    default: undefined,
    description: 'Originator id; needed for every type but RULE_NODE (TENANT too: this engine has no tenant)'
  }),
  ...scriptFields({ js: DEFAULT_SCRIPT, tbel: DEFAULT_SCRIPT })
} as const

/** The first "previous message" ThingsBoard hands the script: no type, no metadata, `{}`. */
const FIRST: MsgParts = { type: '', metadata: {}, data: '{}' }

function sleep(ms: number, stopped: AbortSignal): Promise<boolean> {
  if (stopped.aborted) return Promise.resolve(false)
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer)
      resolve(false)
    }
    const timer = setTimeout(() => {
      stopped.removeEventListener('abort', onAbort)
      resolve(true)
    }, ms)
    stopped.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * Makes a message every period from a script of the previous one (ThingsBoard's
 * TbMsgGeneratorNode): the script sees `prevMsg`, `prevMetadata`, `prevMsgType` and returns
 * `{ msg, metadata, msgType }`; each message goes out on `Success` with the configured originator.
 * A script that fails sends ThingsBoard's tick message (type GENERATOR_NODE_SELF_MSG) to `Failure`.
 * Periods are kept from the start, not from the last message, as ThingsBoard schedules them; the
 * next message waits until the chain has taken the last one.
 */
export class MsgGeneratorNode implements RuleNode {
  #script: RuleNodeScript | undefined
  #count = 0
  #periodMs = 1000
  #originator: Originator = { entityType: 'RULE_NODE', id: '' }
  #self: Originator = { entityType: 'RULE_NODE', id: '' }

  init(ctx: NodeContext, configuration: unknown): void {
    const { config: parsed } = parseConfig(config, configuration)
    this.#count = parsed.msgCount
    this.#periodMs = parsed.periodInSeconds * 1000
    this.#self = { entityType: 'RULE_NODE', id: ctx.nodeId }
    if (parsed.originatorType === 'RULE_NODE') {
      this.#originator = this.#self
    } else {
      const id = parsed.originatorId ?? ''
      // ThingsBoard's own text for a missing originator.
      if (id.trim() === '')
        throw new ConfigError('originatorId: Originator entity must be selected.', { field: 'originatorId' })
      this.#originator = { entityType: parsed.originatorType, id }
    }
    this.#script = compileScript(parsed, ['prevMsg', 'prevMetadata', 'prevMsgType'])
  }

  onMsg(ctx: MsgContext, msg: TbMsg): Promise<void> | undefined {
    return ctx.tellFailure(msg, new Error('a generator node takes no input messages'))
  }

  async start(ctx: SourceContext): Promise<void> {
    const script = this.#script as RuleNodeScript
    let previous = FIRST
    let due = Date.now()
    for (let made = 0; this.#count === 0 || made < this.#count; made++) {
      due += this.#periodMs
      if (!(await sleep(Math.max(0, due - Date.now()), ctx.stopped))) return
      let parts: MsgParts
      try {
        parts = script.generate(previous)
      } catch (error) {
        const tick = TbMsg.create({
          type: 'GENERATOR_NODE_SELF_MSG',
          originator: this.#self,
          metadata: {},
          data: ''
        })
        await ctx.emitFailure(tick, error)
        continue
      }
      previous = parts
      await ctx.emit(TbMsg.create({ ...parts, originator: this.#originator }), Relation.SUCCESS)
    }
  }

  destroy(): void {}
}

/** The generator, as registered. */
export const msgGeneratorDefinition: NodeDefinition = {
  type: 'org.thingsboard.rule.engine.debug.TbMsgGeneratorNode',
  alias: 'generator',
  description:
    'Makes a message every periodInSeconds from a JS or TBEL script of the previous one; msgCount of them (0: until stopped).',
  relations: [Relation.SUCCESS, Relation.FAILURE],
  config,
  create: () => new MsgGeneratorNode()
}
