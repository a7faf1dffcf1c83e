// Small nodes for exercising the runtime: each shows one way a node may behave.
import { parseConfig, integerField, stringField } from '../../src/engine/config-spec.js'
import { NodeRegistry, type NodeDefinition } from '../../src/engine/registry.js'
import type { MsgContext, NodeContext, RuleNode } from '../../src/engine/rule-node.js'
import type { TbMsg } from '../../src/msg/message.js'
import { builtinNodes } from '../../src/nodes/index.js'

function define(alias: string, create: () => RuleNode, config = {}): NodeDefinition {
  return { type: `test.${alias}`, alias, description: alias, relations: [], config, create }
}

/** Tells Success after `delayMs`, from a timer: a node that holds messages. */
class DelayNode implements RuleNode {
  delayMs = 0
  readonly held = new Set<NodeJS.Timeout>()
  init(_ctx: NodeContext, configuration: unknown): void {
    this.delayMs = parseConfig(
      { delayMs: integerField({ default: 1, min: 0, description: '' }) },
      configuration
    ).config.delayMs
  }
  onMsg(ctx: MsgContext, msg: TbMsg): void {
    const timer = setTimeout(() => {
      this.held.delete(timer)
      // Told from a timer: there is no caller to make wait.
      void ctx.tellSuccess(msg.withMetadata({ delayed: 'true' }))
    }, this.delayMs)
    this.held.add(timer)
  }
  destroy(): void {
    for (const timer of this.held) clearTimeout(timer)
  }
}

/** Throws synchronously, or rejects, as configured. */
class ThrowNode implements RuleNode {
  mode = 'sync'
  init(_ctx: NodeContext, configuration: unknown): void {
    this.mode = parseConfig(
      { mode: stringField({ default: 'sync', description: '' }) },
      configuration
    ).config.mode
  }
  onMsg(ctx: MsgContext, msg: TbMsg): void | Promise<void> {
    // These modes misbehave on purpose, so their acceptances are dropped: the tests check that the
    // runtime ignores the throw after a telling, and the second telling.
    if (this.mode === 'after-tell') {
      void ctx.tellSuccess(msg)
      throw new TypeError('late')
    }
    if (this.mode === 'twice') {
      void ctx.tellSuccess(msg)
      void ctx.tellNext(msg, 'Other')
      return
    }
    if (this.mode === 'async') return Promise.reject(new RangeError('rejected'))
    throw new TypeError('boom')
  }
  destroy(): void {}
}

/** Accepts one message at a time: onMsg resolves only after the previous one was told. */
class SlowAcceptNode implements RuleNode {
  delayMs = 2
  onMsg(ctx: MsgContext, msg: TbMsg): Promise<void> {
    // Resolves with the downstream acceptance, so that its waiting reaches this node's caller.
    return new Promise((resolve) => setTimeout(() => resolve(ctx.tellSuccess(msg)), this.delayMs))
  }
  init(_ctx: NodeContext, configuration: unknown): void {
    this.delayMs = parseConfig(
      { delayMs: integerField({ default: 2, min: 0, description: '' }) },
      configuration
    ).config.delayMs
  }
  destroy(): void {}
}

/** Fails init with a ConfigError naming a field. */
class BadConfigNode implements RuleNode {
  init(_ctx: NodeContext, configuration: unknown): void {
    parseConfig({ size: integerField({ default: 1, min: 1, description: '' }) }, configuration)
  }
  onMsg(): void {}
  destroy(): void {}
}

/** Never tells: its messages are failed by the runtime when it is destroyed. */
class BlackHoleNode implements RuleNode {
  init(): void {}
  onMsg(): void {}
  destroy(): void {}
}

/** The built-in nodes plus the test nodes. */
export function testRegistry(): NodeRegistry {
  return new NodeRegistry([
    ...builtinNodes,
    define('delay', () => new DelayNode()),
    define('throw', () => new ThrowNode()),
    define('slow-accept', () => new SlowAcceptNode()),
    define('bad-config', () => new BadConfigNode()),
    define('black-hole', () => new BlackHoleNode())
  ])
}

/** A ThingsBoard-shaped export from a list of nodes and connections. */
export function chainExport(
  nodes: { type: string; name: string; configuration?: unknown }[],
  connections: [number, number, string][],
  firstNodeIndex = 0
): unknown {
  return {
    ruleChain: { name: 'test chain' },
    metadata: {
      firstNodeIndex,
      nodes: nodes.map((n) => ({ ...n, configuration: n.configuration ?? {} })),
      connections: connections.map(([fromIndex, toIndex, type]) => ({ fromIndex, toIndex, type })),
      ruleChainConnections: null
    }
  }
}
