// A stand-in for a node type this engine lacks (one that needs ThingsBoard's database: save
// timeseries, device profile, RPC, alarms, ...), used with `--stub-unsupported` so that the rest of
// a real export can run.

import type { NodeSpec } from './chain-definition.js'
import type { NodeDefinition } from './registry.js'
import { Relation } from './relations.js'
import type { Acceptance, MsgContext, NodeContext, RuleNode } from './rule-node.js'
import type { CounterMetric } from './node-metrics.js'
import type { TbMsg } from '../msg/message.js'

/** Passes every message on Success unchanged, counting them in `krn_stubbed_messages_total`. */
class StubNode implements RuleNode {
  #passed: CounterMetric | undefined

  init(ctx: NodeContext): void {
    this.#passed = ctx.metrics.counter(
      'stubbed_messages_total',
      'Messages passed on unchanged by a stand-in for a node type this engine does not support (--stub-unsupported)'
    )
  }

  onMsg(ctx: MsgContext, msg: TbMsg): Acceptance {
    this.#passed?.inc()
    return ctx.tellSuccess(msg)
  }

  destroy(): void {}
}

/** The definition a node of an unsupported type is built from when stubs are asked for. */
export function stubDefinition(type: string): NodeDefinition {
  return {
    type,
    alias: `stub:${type}`,
    description:
      'A stand-in for a node type this engine does not support: passes messages on Success unchanged.',
    relations: [Relation.SUCCESS],
    config: {},
    create: () => new StubNode()
  }
}

/** `"Save Timeseries" (org.thingsboard...TbMsgTimeseriesNode, index 0)`, for errors and warnings. */
export function describeUnsupported(specs: readonly NodeSpec[]): string {
  return specs
    .map(
      (s) =>
        `"${s.name}" (${s.type}, ${s.chain === undefined ? '' : `rule chain "${s.chain}", `}index ${s.index})`
    )
    .join(', ')
}
