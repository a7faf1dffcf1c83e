// The chain runtime: builds the nodes of a checked chain definition, routes messages between
// them by relation, and accounts for every message so that `drain` knows when all have left.

import { ChainLoadError, RuleNodeError, describeError } from '../errors.js'
import type { TbMsg } from '../msg/message.js'
import { readChainBundle } from './chain-bundle.js'
import type { ChainDefinition, NodeSpec } from './chain-definition.js'
import { Delivery, Lineage, type DeliveryOwner } from './delivery.js'
import { silentLogger, type Logger } from './logger.js'
import { noMetrics, type NodeHealth, type NodeMetrics } from './node-metrics.js'
import type { NodeRegistry } from './registry.js'
import type { Acceptance, RuleNode, SourceContext } from './rule-node.js'
import { Relation } from './relations.js'
import { describeUnsupported, stubDefinition } from './stub-node.js'

/** A message leaving the chain: the relation it left on had no connection. */
export interface ChainExit {
  readonly relation: string
  readonly node: string
  readonly msg: TbMsg
}

/** How a chain reports what it does. */
export interface ChainOptions {
  /** Called for every message that leaves the chain. */
  readonly onExit?: (exit: ChainExit) => void
  /** The logger nodes and the runtime write to. */
  readonly logger?: Logger
  /** Gives each node the metrics it registers into, labelled for it. */
  readonly metricsFor?: (node: { readonly name: string; readonly type: string }) => NodeMetrics
  /**
   * Build nodes of types the registry lacks as stand-ins that pass each message on Success
   * unchanged (named in a warning), instead of failing the load.
   */
  readonly stubUnsupported?: boolean
}

/** A node's health as `/healthz` reports it. */
export interface NodeHealthReport extends NodeHealth {
  readonly node: string
}

/** Counts for one node: messages in, and out per relation. */
export interface NodeStats {
  readonly name: string
  readonly type: string
  received: number
  readonly told: Map<string, number>
  /** Messages the node ended without passing them on (ThingsBoard's ack). */
  consumed: number
}

/** What a ChainNode is made of: its chain, its declaration, the node itself, and where it reports. */
interface ChainNodeOptions {
  readonly chain: Chain
  readonly spec: NodeSpec
  readonly node: RuleNode
  readonly logger: Logger
  readonly metrics: NodeMetrics
}

class ChainNode implements DeliveryOwner {
  readonly spec: NodeSpec
  readonly node: RuleNode
  readonly logger: Logger
  readonly metrics: NodeMetrics
  readonly chain: Chain
  readonly routes = new Map<string, ChainNode[]>()
  // Deliveries not yet told onwards, newest first, linked through the deliveries themselves: a
  // Set cost two hash operations per message and garbage whenever its table was rebuilt.
  #pending: Delivery | undefined
  readonly stats: NodeStats

  constructor(options: ChainNodeOptions) {
    const spec = options.spec
    this.chain = options.chain
    this.spec = spec
    this.node = options.node
    this.logger = options.logger
    this.metrics = options.metrics
    this.stats = { name: spec.name, type: spec.type, received: 0, told: new Map(), consumed: 0 }
  }

  get nodeName(): string {
    return this.spec.name
  }

  get nodeId(): string {
    return this.spec.id
  }

  /** Hands a message to this node; a throw or rejection becomes Failure unless it was told already. */
  deliver(msg: TbMsg, lineage: Lineage | undefined): Acceptance {
    const delivery = new Delivery(this, msg, lineage)
    this.stats.received++
    this.#hold(delivery)
    let result: void | Promise<void>
    try {
      result = this.node.onMsg(delivery, msg)
    } catch (error) {
      return this.failAfterThrow(delivery, error)
    }
    if (result === undefined) return undefined
    return result.then(undefined, (error: unknown) => this.failAfterThrow(delivery, error))
  }

  failAfterThrow(delivery: Delivery, error: unknown): Acceptance {
    if (!delivery.done) return delivery.tellFailure(delivery.received, error)
    this.logger.error(
      `node "${this.spec.name}" threw after telling its message onwards: ${describeError(error)}`
    )
    return undefined
  }

  route(delivery: Delivery, msg: TbMsg, relation: string | readonly string[]): Acceptance {
    this.#release(delivery)
    return this.chain.route(this, msg, relation, delivery.lineage)
  }

  routeEach(delivery: Delivery, msgs: readonly TbMsg[], relation: string): Acceptance {
    this.#release(delivery)
    return this.chain.routeEach(this, msgs, relation, delivery.lineage)
  }

  /** The deliveries this node has not told onwards yet, oldest first. */
  pending(): Delivery[] {
    const held: Delivery[] = []
    for (let d = this.#pending; d !== undefined; d = d.olderPending) held.push(d)
    return held.reverse()
  }

  #hold(delivery: Delivery): void {
    delivery.olderPending = this.#pending
    if (this.#pending !== undefined) this.#pending.newerPending = delivery
    this.#pending = delivery
  }

  #release(delivery: Delivery): void {
    const { newerPending: newer, olderPending: older } = delivery
    if (newer === undefined) this.#pending = older
    else newer.olderPending = older
    if (older !== undefined) older.newerPending = newer
    delivery.newerPending = undefined
    delivery.olderPending = undefined
  }
}

/** Adds the count of one more message told on `relation`. */
function count(stats: NodeStats, relation: string): void {
  stats.told.set(relation, (stats.told.get(relation) ?? 0) + 1)
}

/** A running rule chain. */
export class Chain {
  readonly name: string
  readonly #nodes: ChainNode[] = []
  readonly #first: ChainNode | undefined
  readonly #onExit: (exit: ChainExit) => void
  readonly #logger: Logger
  #inFlight = 0
  #entered = 0
  readonly #exits = new Map<string, number>()
  #consumed = 0
  #drainWaiters: (() => void)[] = []
  #stopping = false
  readonly #stopSources = new AbortController()
  #sources: Promise<void>[] = []
  // Deliveries waiting their turn, as a stack of (node, message) pairs. A message told onwards
  // while a delivery runs is put here rather than delivered from inside `route`, and the outermost
  // `route` delivers them in a loop: the stack then stays flat however long the chain is (one
  // call per node would overflow it after about a thousand nodes). Popping the last pushed keeps
  // the order depth-first, as direct calls had it.
  readonly #waitingNodes: ChainNode[] = []
  readonly #waitingMsgs: TbMsg[] = []
  readonly #waitingLineages: (Lineage | undefined)[] = []
  #routing = false

  /** Use `startChain`, which also initialises the nodes. */
  constructor(definition: ChainDefinition, registry: NodeRegistry, options: ChainOptions = {}) {
    this.name = definition.name
    this.#onExit = options.onExit ?? (() => {})
    this.#logger = options.logger ?? silentLogger
    const unsupported = definition.nodes.filter((spec) => registry.find(spec.type) === undefined)
    if (unsupported.length > 0) {
      if (options.stubUnsupported !== true) {
        throw new ChainLoadError(
          `${unsupported.length} node${unsupported.length === 1 ? ' has a type' : 's have types'} this engine does not support: ${describeUnsupported(unsupported)}; with --stub-unsupported each passes its messages on Success unchanged`,
          { context: { node: unsupported.map((s) => s.name).join(', ') } }
        )
      }
      this.#logger.warn(
        `stubbed ${unsupported.length} node${unsupported.length === 1 ? '' : 's'} of unsupported types, passing messages on Success unchanged: ${describeUnsupported(unsupported)}`
      )
    }
    for (const spec of definition.nodes) {
      const kind = registry.find(spec.type) ?? stubDefinition(spec.type)
      const metrics = options.metricsFor?.({ name: spec.name, type: spec.type }) ?? noMetrics
      this.#nodes.push(
        new ChainNode({ chain: this, spec, node: kind.create(), logger: this.#logger, metrics })
      )
    }
    for (const c of definition.connections) {
      const from = this.#nodes[c.fromIndex] as ChainNode
      const targets = from.routes.get(c.type) ?? []
      targets.push(this.#nodes[c.toIndex] as ChainNode)
      from.routes.set(c.type, targets)
    }
    this.#first =
      definition.firstNodeIndex === undefined
        ? undefined
        : (this.#nodes[definition.firstNodeIndex] as ChainNode)
  }

  /** Initialises every node in chain order; the first failure names the node and stops the rest. */
  async init(): Promise<void> {
    const started: ChainNode[] = []
    for (const node of this.#topologicalOrder()) {
      try {
        await node.node.init(node, node.spec.configuration)
        started.push(node)
      } catch (error) {
        for (const done of started) await Promise.resolve(done.node.destroy()).catch(() => {})
        const reason =
          error instanceof RuleNodeError ? `${error.name}: ${error.message}` : describeError(error)
        const field = error instanceof RuleNodeError ? error.context.field : undefined
        throw new ChainLoadError(
          `node "${node.spec.name}" (${node.spec.type}, ${node.spec.chain === undefined ? '' : `rule chain "${node.spec.chain}", `}index ${node.spec.index}): ${reason}`,
          {
            context: { node: node.spec.name, ...(field === undefined ? {} : { field }) },
            cause: error
          }
        )
      }
    }
  }

  /**
   * Starts the source nodes (those with `start`, such as the generator): they put the messages
   * they make into the chain until they are done or `stopSources` is called.
   */
  startSources(): void {
    for (const node of this.#nodes) {
      if (node.node.start === undefined) continue
      const ctx: SourceContext = {
        nodeName: node.nodeName,
        nodeId: node.nodeId,
        logger: node.logger,
        metrics: node.metrics,
        stopped: this.#stopSources.signal,
        emit: (msg, relation) => this.#emit(node, msg, relation),
        emitFailure: (msg, error) =>
          this.#emit(node, msg.withMetadata({ error: describeError(error) }), Relation.FAILURE)
      }
      this.#sources.push(
        node.node.start(ctx).catch((error: unknown) => {
          this.#logger.error(`source node "${node.spec.name}" stopped: ${describeError(error)}`)
        })
      )
    }
  }

  /** Resolves when every source node is done making messages (at once when there is none). */
  async sourcesDone(): Promise<void> {
    await Promise.all(this.#sources)
  }

  /** Tells the source nodes to make no more messages. */
  stopSources(): void {
    this.#stopSources.abort()
  }

  #emit(from: ChainNode, msg: TbMsg, relation: string): Acceptance {
    if (this.#stopping) throw new Error('the chain is stopping and takes no more messages')
    this.#inFlight++
    this.#entered++
    return this.route(from, msg, relation, undefined)
  }

  /** Messages that have entered and not yet left the chain. */
  get inFlight(): number {
    return this.#inFlight
  }

  /** Messages that have entered the chain. */
  get entered(): number {
    return this.#entered
  }

  /** The health of every node that reports one; the chain is healthy when all of them are. */
  health(): NodeHealthReport[] {
    const reports: NodeHealthReport[] = []
    for (const node of this.#nodes) {
      const health = node.node.health?.()
      if (health !== undefined) reports.push({ node: node.spec.name, ...health })
    }
    return reports
  }

  /**
   * Messages a node consumed without passing them on (ThingsBoard's ack: the ones deduplication
   * merged away, an empty array split into nothing), and messages pushed into a chain with no nodes.
   */
  get consumed(): number {
    return this.#consumed
  }

  /** Messages that have left the chain, per relation they left on. */
  exitCounts(): ReadonlyMap<string, number> {
    return this.#exits
  }

  /** Per-node counts, in chain order. */
  stats(): NodeStats[] {
    return this.#nodes.map((n) => n.stats)
  }

  /**
   * Puts a message into the chain at its first node. Returns a promise when a node asks the caller
   * to wait before pushing more (backpressure), else undefined. `onSettled` is called once the
   * message, and every copy a fork made of it, has left the chain (on whatever relation).
   */
  push(msg: TbMsg, onSettled?: () => void): Acceptance {
    if (this.#stopping) throw new Error('the chain is stopping and takes no more messages')
    this.#entered++
    // ThingsBoard acknowledges a message sent to a chain without nodes.
    if (this.#first === undefined) {
      this.#consumed++
      onSettled?.()
      return undefined
    }
    this.#inFlight++
    return this.#first.deliver(msg, onSettled === undefined ? undefined : new Lineage(onSettled))
  }

  /** Tells every node that no more input will come (see RuleNode.endOfInput). */
  endOfInput(): void {
    for (const node of this.#nodes) node.node.endOfInput?.()
  }

  /** Resolves when every message that entered has left the chain. */
  drain(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve()
    return new Promise((resolve) => this.#drainWaiters.push(resolve))
  }

  /**
   * Stops the chain: nodes are destroyed upstream first, so that what a node flushes on destroy
   * still finds the nodes downstream running. A message a node still holds after its destroy is
   * failed onwards, so that none is lost.
   */
  async destroy(): Promise<void> {
    this.stopSources()
    await this.sourcesDone()
    this.#stopping = true
    for (const node of this.#topologicalOrder()) {
      try {
        await node.node.destroy()
      } catch (error) {
        this.#logger.error(`node "${node.spec.name}" failed to stop: ${describeError(error)}`)
      }
      for (const delivery of node.pending()) {
        // Not awaited: the nodes downstream are destroyed next, and each delivers or fails what it
        // holds before its destroy resolves, so waiting on their acceptance here adds nothing.
        void delivery.tellFailure(
          delivery.received,
          new Error(`node "${node.spec.name}" stopped before it passed the message on`)
        )
      }
    }
  }

  /** @internal Routes a message told by `from`; called by its delivery exactly once. */
  route(
    from: ChainNode,
    msg: TbMsg,
    relation: string | readonly string[],
    lineage: Lineage | undefined
  ): Acceptance {
    let targets: ChainNode[] | undefined
    // One relation is the common case: no array is built for it.
    if (typeof relation === 'string') {
      count(from.stats, relation)
      targets = from.routes.get(relation)
    } else {
      for (const r of relation) {
        count(from.stats, r)
        const next = from.routes.get(r)
        if (next !== undefined) targets = targets === undefined ? next : [...targets, ...next]
      }
    }
    if (targets === undefined || targets.length === 0) {
      const exitRelation = typeof relation === 'string' ? relation : (relation[0] ?? '')
      this.#exits.set(exitRelation, (this.#exits.get(exitRelation) ?? 0) + 1)
      this.#onExit({ relation: exitRelation, node: from.spec.name, msg })
      this.#left()
      if (lineage !== undefined && --lineage.live === 0) lineage.onSettled()
      return undefined
    }
    this.#inFlight += targets.length - 1
    if (lineage !== undefined) lineage.live += targets.length - 1
    for (let i = targets.length - 1; i >= 0; i--) {
      this.#waitingNodes.push(targets[i] as ChainNode)
      this.#waitingMsgs.push(msg)
      this.#waitingLineages.push(lineage)
    }
    // A delivery is running further up the stack: its loop takes these, and gathers their
    // acceptances for whoever started it (the pusher, or a node telling from a callback).
    if (this.#routing) return undefined
    return this.#deliverWaiting()
  }

  /**
   * @internal Routes the messages a node told in place of the one it received: none (consumed),
   * or several (each then leaves the chain on its own).
   */
  routeEach(
    from: ChainNode,
    msgs: readonly TbMsg[],
    relation: string,
    lineage: Lineage | undefined
  ): Acceptance {
    if (msgs.length === 0) {
      this.#consumed++
      from.stats.consumed++
      this.#left()
      if (lineage !== undefined && --lineage.live === 0) lineage.onSettled()
      return undefined
    }
    this.#inFlight += msgs.length - 1
    if (lineage !== undefined) lineage.live += msgs.length - 1
    // Inside a delivery, route() stacks the messages for the running loop, which takes the last
    // stacked first: stacking them last to first keeps them in order.
    const ordered = this.#routing ? [...msgs].reverse() : msgs
    let waits: Promise<void>[] | undefined
    for (const msg of ordered) {
      const accepted = this.route(from, msg, relation, lineage)
      if (accepted !== undefined) (waits ??= []).push(accepted)
    }
    if (waits === undefined) return undefined
    return waits.length === 1 ? waits[0] : Promise.all(waits).then(() => undefined)
  }

  #deliverWaiting(): Acceptance {
    this.#routing = true
    let waits: Promise<void>[] | undefined
    try {
      while (this.#waitingNodes.length > 0) {
        const node = this.#waitingNodes.pop() as ChainNode
        const accepted = node.deliver(this.#waitingMsgs.pop() as TbMsg, this.#waitingLineages.pop())
        if (accepted !== undefined) (waits ??= []).push(accepted)
      }
    } finally {
      this.#routing = false
    }
    if (waits === undefined) return undefined
    return waits.length === 1 ? waits[0] : Promise.all(waits).then(() => undefined)
  }

  #left(): void {
    if (--this.#inFlight === 0 && this.#drainWaiters.length > 0) {
      const waiters = this.#drainWaiters
      this.#drainWaiters = []
      for (const resolve of waiters) resolve()
    }
  }

  // Depth-first, reverse post-order, with an explicit stack so that any length of chain fits.
  #topologicalOrder(): ChainNode[] {
    const order: ChainNode[] = []
    const seen = new Set<ChainNode>()
    const path: { node: ChainNode; targets: ChainNode[]; next: number }[] = []
    const enter = (node: ChainNode): void => {
      seen.add(node)
      path.push({ node, targets: [...node.routes.values()].flat(), next: 0 })
    }
    for (const root of this.#first === undefined ? this.#nodes : [this.#first, ...this.#nodes]) {
      if (seen.has(root)) continue
      enter(root)
      while (path.length > 0) {
        const top = path[path.length - 1] as (typeof path)[number]
        const target = top.targets[top.next++]
        if (target === undefined) {
          path.pop()
          order.push(top.node)
        } else if (!seen.has(target)) enter(target)
      }
    }
    return order.reverse()
  }
}

/** Builds and initialises a chain from a checked definition. */
export async function startChain(
  definition: ChainDefinition,
  registry: NodeRegistry,
  options: ChainOptions = {}
): Promise<Chain> {
  const chain = new Chain(definition, registry, options)
  await chain.init()
  chain.startSources()
  return chain
}

/** Checks a parsed ThingsBoard export, builds its nodes and initialises them. */
export async function loadChain(
  exported: unknown,
  registry: NodeRegistry,
  options: ChainOptions = {}
): Promise<Chain> {
  return startChain(readChainBundle(exported), registry, options)
}
