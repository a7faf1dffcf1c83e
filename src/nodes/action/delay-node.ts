import { randomUUID } from 'node:crypto'
import { LongTimer } from '../../engine/long-timer.js'
import { booleanField, integerField, parseConfig, stringField } from '../../engine/config-spec.js'
import type { NodeDefinition } from '../../engine/registry.js'
import { Relation } from '../../engine/relations.js'
import type { Acceptance, MsgContext, NodeContext, RuleNode } from '../../engine/rule-node.js'
import type { TbMsg } from '../../msg/message.js'
import { compilePattern, type Pattern } from '../../msg/pattern.js'

const JAVA_INT_MAX = 2147483647

const config = {
  periodInSeconds: integerField({ default: 60, min: 0, max: JAVA_INT_MAX, description: 'Delay in seconds' }),
  maxPendingMsgs: integerField({
    default: 1000,
    min: 1,
    max: JAVA_INT_MAX,
    description: 'Messages held at once; one more goes to "Failure"'
  }),
  periodInSecondsPattern: stringField({
    default: undefined,
    description:
      'A pattern (${metadataKey}, $[dataKey]) giving the delay in seconds, when useMetadataPeriodInSecondsPatterns'
  }),
  useMetadataPeriodInSecondsPatterns: booleanField({
    default: false,
    description: 'Take the delay from periodInSecondsPattern instead of periodInSeconds'
  })
} as const

// commons-lang3 NumberUtils.isParsable: an optional minus, digits, an optional fraction.
const PARSABLE = /^-?(?:\d+(?:\.\d*)?|\.\d+)$/

/** Java's NumberFormatException, named so in Failure metadata. */
class NumberFormatException extends Error {
  override readonly name = 'NumberFormatException'
}

/**
 * Holds each message for a period, then passes it on Success under a new id (ThingsBoard's
 * TbMsgDelayNode). Held messages stay in the chain's accounting: a stop clears the timers and the
 * runtime fails what is still held, so no message is lost.
 */
export class DelayNode implements RuleNode {
  #periodMs = 60_000
  #maxPending = 1000
  #pattern: Pattern | undefined
  readonly #timers = new Set<LongTimer>()

  init(_ctx: NodeContext, configuration: unknown): void {
    const { config: parsed } = parseConfig(config, configuration)
    this.#periodMs = parsed.periodInSeconds * 1000
    this.#maxPending = parsed.maxPendingMsgs
    if (parsed.useMetadataPeriodInSecondsPatterns) {
      this.#pattern = compilePattern(parsed.periodInSecondsPattern ?? '')
    }
  }

  onMsg(ctx: MsgContext, msg: TbMsg): Acceptance {
    if (this.#timers.size >= this.#maxPending) {
      return ctx.tellFailure(msg, new Error('Max limit of pending messages reached!'))
    }
    const delayMs = this.#delayMs(msg)
    const timer = new LongTimer(delayMs, () => {
      this.#timers.delete(timer)
      // Told from a timer: nobody upstream is waiting on this message's acceptance.
      void ctx.tellSuccess(msg.with({ id: randomUUID() }))
    })
    this.#timers.add(timer)
    return undefined
  }

  #delayMs(msg: TbMsg): number {
    if (this.#pattern === undefined) return this.#periodMs
    const text = this.#pattern.resolve(msg)
    if (!PARSABLE.test(text)) {
      throw new Error(`Can't parse period in seconds from metadata using pattern: ${this.#pattern.source}`)
    }
    // Then Integer.parseInt, which takes neither a fraction nor more than a Java int.
    const seconds = /^-?\d+$/.test(text) ? Number(text) : NaN
    if (!Number.isSafeInteger(seconds) || seconds > JAVA_INT_MAX || seconds < -JAVA_INT_MAX - 1) {
      throw new NumberFormatException(`For input string: "${text}"`)
    }
    return Math.max(0, seconds * 1000)
  }

  destroy(): void {
    for (const timer of this.#timers) timer.clear()
    this.#timers.clear()
  }
}

/** The delay node, as registered. */
export const delayDefinition: NodeDefinition = {
  type: 'org.thingsboard.rule.engine.delay.TbMsgDelayNode',
  alias: 'msg-delay',
  description: 'Holds each message for a period, then passes it on "Success" with a new id.',
  relations: [Relation.SUCCESS, Relation.FAILURE],
  config,
  create: () => new DelayNode()
}
