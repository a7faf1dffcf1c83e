import { randomUUID } from 'node:crypto'
import { enumField, integerField, parseConfig, stringField } from '../../engine/config-spec.js'
import { LongTimer } from '../../engine/long-timer.js'
import type { NodeDefinition } from '../../engine/registry.js'
import { Relation } from '../../engine/relations.js'
import type { Acceptance, MsgContext, NodeContext, RuleNode } from '../../engine/rule-node.js'
import { ConfigError } from '../../errors.js'
import { writeJson, type JsonNode } from '../../msg/jackson-json.js'
import { TbMsg } from '../../msg/message.js'

const JAVA_INT_MAX = 2147483647

const config = {
  interval: integerField({
    default: 60,
    min: 1,
    max: JAVA_INT_MAX,
    description:
      'Seconds: messages of one originator whose ts fall within this span of the earliest make one pack'
  }),
  strategy: enumField({
    values: ['FIRST', 'LAST', 'ALL'],
    default: 'FIRST',
    description: 'What a pack gives: its earliest message, its latest, or one message holding all of them'
  }),
  outMsgType: stringField({
    default: undefined,
    description: 'The type of the message strategy ALL makes (e.g. "POST_TELEMETRY_REQUEST"); needed for ALL'
  }),
  maxPendingMsgs: integerField({
    default: 100,
    min: 1,
    max: JAVA_INT_MAX,
    description: 'Messages held per originator; one more goes to "Failure"'
  }),
  maxRetries: integerField({
    default: 3,
    min: 0,
    max: JAVA_INT_MAX,
    description:
      'Kept for compatibility: ThingsBoard retries putting the result on its queue; here it cannot fail'
  })
} as const

type Strategy = 'FIRST' | 'LAST' | 'ALL'

interface Held {
  readonly ctx: MsgContext
  readonly msg: TbMsg
  /** ThingsBoard's TbMsg.getMetaDataTs: metadata `ts` as a long, else the message's ts. */
  readonly ts: number
}

interface Originator {
  readonly held: Held[]
  timer: LongTimer | undefined
}

function metadataTs(msg: TbMsg): number {
  const text = msg.metadata.ts
  return text !== undefined && /^[+-]?\d+$/.test(text) && Number.isSafeInteger(Number(text))
    ? Number(text)
    : msg.ts
}

/**
 * Deduplicates messages per originator (ThingsBoard's TbMsgDeduplicationNode). A message is held;
 * `interval` + 1 ms after the first one arrives, each pack of messages whose `ts` lies within
 * [earliest, earliest + interval) and whose span has passed gives one message on Success: the
 * earliest (FIRST) or latest (LAST) under a new id, or (ALL) a new message of type `outMsgType`
 * whose data is `[{"msg": data, "metadata": {...}}, ...]` and metadata `{ts: now}`. The other
 * messages of the pack end there (ThingsBoard acknowledges them).
 */
export class DeduplicationNode implements RuleNode {
  #intervalMs = 60_000
  #strategy: Strategy = 'FIRST'
  #outMsgType = ''
  #maxPending = 100
  readonly #originators = new Map<string, Originator>()

  init(_ctx: NodeContext, configuration: unknown): void {
    const { config: parsed } = parseConfig(config, configuration)
    this.#intervalMs = parsed.interval * 1000
    this.#strategy = parsed.strategy
    this.#maxPending = parsed.maxPendingMsgs
    if (parsed.strategy === 'ALL') {
      if (parsed.outMsgType === undefined || parsed.outMsgType === '') {
        throw new ConfigError('outMsgType is needed with strategy ALL (e.g. "POST_TELEMETRY_REQUEST")', {
          field: 'outMsgType'
        })
      }
      this.#outMsgType = parsed.outMsgType
    }
  }

  onMsg(ctx: MsgContext, msg: TbMsg): Acceptance {
    const key = `${msg.originator.entityType}/${msg.originator.id}`
    let originator = this.#originators.get(key)
    if (originator === undefined) {
      originator = { held: [], timer: undefined }
      this.#originators.set(key, originator)
    }
    if (originator.held.length >= this.#maxPending) {
      return ctx.tellFailure(
        msg,
        new Error(
          `[${ctx.nodeId}] Max limit of pending messages reached for deduplication id: [${msg.originator.id}]`
        )
      )
    }
    originator.held.push({ ctx, msg, ts: metadataTs(msg) })
    this.#schedule(key, originator)
    return undefined
  }

  #schedule(key: string, originator: Originator): void {
    if (originator.timer !== undefined) return
    originator.timer = new LongTimer(this.#intervalMs + 1, () => {
      originator.timer = undefined
      this.#tick(key, originator)
    })
  }

  #tick(key: string, originator: Originator): void {
    const now = Date.now()
    const held = originator.held
    for (;;) {
      if (held.length === 0) break
      const start = Math.min(...held.map((h) => h.ts))
      const end = start + this.#intervalMs
      if (end > now) break
      const inPack = (h: Held): boolean => h.ts >= start && h.ts < end
      const pack = held.filter(inPack)
      const rest = held.filter((h) => !inPack(h))
      held.length = 0
      held.push(...rest)
      this.#emit(pack, now)
    }
    if (held.length > 0) this.#schedule(key, originator)
    else this.#originators.delete(key)
  }

  #emit(pack: readonly Held[], now: number): void {
    let carrier = pack[0] as Held
    let out: TbMsg
    if (this.#strategy === 'ALL') {
      out = TbMsg.create({
        type: this.#outMsgType,
        originator: carrier.msg.originator,
        metadata: { ts: String(now) },
        data: mergedData(pack)
      })
    } else {
      for (const h of pack) {
        if (this.#strategy === 'FIRST' ? h.ts < carrier.ts : h.ts > carrier.ts) carrier = h
      }
      out = carrier.msg.with({ id: randomUUID() })
    }
    for (const h of pack) if (h !== carrier) h.ctx.ack()
    // Told from a timer: nobody upstream is waiting on this message's acceptance.
    void carrier.ctx.tellSuccess(out)
  }

  destroy(): void {
    for (const originator of this.#originators.values()) originator.timer?.clear()
    this.#originators.clear()
  }
}

// ThingsBoard parses each data as JSON (empty data as null); data that is not JSON, which makes
// ThingsBoard's deduplication throw, is kept here as a JSON string.
function mergedData(pack: readonly Held[]): string {
  const items: JsonNode[] = pack.map(({ msg }) => {
    const data: JsonNode =
      msg.data === '' ? { kind: 'null' } : (msg.tree() ?? { kind: 'string', value: msg.data })
    const metadata = new Map<string, JsonNode>(
      Object.entries(msg.metadata).map(([k, value]) => [k, { kind: 'string', value }])
    )
    return {
      kind: 'object',
      fields: new Map<string, JsonNode>([
        ['msg', data],
        ['metadata', { kind: 'object', fields: metadata }]
      ])
    }
  })
  return writeJson({ kind: 'array', items })
}

/** The deduplication node, as registered. */
export const deduplicationDefinition: NodeDefinition = {
  type: 'org.thingsboard.rule.engine.deduplication.TbMsgDeduplicationNode',
  alias: 'deduplication',
  description:
    'Per originator, turns the messages of each interval into one (the first, the last, or all merged), on "Success".',
  relations: [Relation.SUCCESS, Relation.FAILURE],
  config,
  create: () => new DeduplicationNode()
}
