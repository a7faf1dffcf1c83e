import type { TbMsg } from '../msg/message.js'
import type { Logger } from './logger.js'
import type { NodeHealth, NodeMetrics } from './node-metrics.js'

/** What a node is given for the whole of its life (part of ThingsBoard's TbContext). */
export interface NodeContext {
  /** The node's name in the chain. */
  readonly nodeName: string
  /** The node's id: from the export, or its index in it. */
  readonly nodeId: string
  readonly logger: Logger
  /** Where the node registers its own metrics, labelled with its name. */
  readonly metrics: NodeMetrics
}

/** The result of passing a message on: a promise when a node downstream asks the caller to wait. */
export type Acceptance = Promise<void> | undefined

/**
 * The context of one received message. It must be told onwards exactly once, on one or more
 * relations, now or later; the runtime ignores (and logs) any second telling.
 */
export interface MsgContext extends NodeContext {
  /** Passes `msg` (the received message or one derived from it) on along `relation`, or several. */
  tellNext(msg: TbMsg, relation: string | readonly string[]): Acceptance
  /**
   * Passes several messages on along `relation` in place of the received one, each leaving the
   * chain on its own (ThingsBoard's split nodes enqueue one per element).
   */
  tellEach(msgs: readonly TbMsg[], relation: string): Acceptance
  /** Ends the received message here without passing it on (ThingsBoard's `ctx.ack`). */
  ack(): void
  /** `tellNext(msg, 'Success')`. */
  tellSuccess(msg: TbMsg): Acceptance
  /** Passes `msg` on along `Failure` with metadata `error` = `"<ErrorClass>: <message>"`. */
  tellFailure(msg: TbMsg, error: unknown): Acceptance
  /** True once the message has been told onwards. */
  readonly done: boolean
}

/** What a source node (one that makes messages itself, such as the generator) is given when the chain starts. */
export interface SourceContext extends NodeContext {
  /** Sends a message the node made out along `relation`: it enters the chain here. */
  emit(msg: TbMsg, relation: string): Acceptance
  /** Sends a message out along `Failure` with metadata `error`, as `tellFailure` does. */
  emitFailure(msg: TbMsg, error: unknown): Acceptance
  /** Aborted when the chain stops its sources (a stop of the run, or the chain's destroy). */
  readonly stopped: AbortSignal
}

/**
 * A rule node (ThingsBoard's TbNode). `onMsg` may return a promise: the caller waits for it
 * before offering more input, which is how a node applies backpressure. A throw or a rejected
 * promise sends the message to Failure, unless the node already told it onwards.
 */
export interface RuleNode {
  init(ctx: NodeContext, configuration: unknown): void | Promise<void>
  onMsg(ctx: MsgContext, msg: TbMsg): void | Promise<void>
  /** Stops the node; a node that holds messages delivers or fails each of them before this resolves. */
  destroy(): void | Promise<void>
  /**
   * Source nodes only: called once every node of the chain is initialised; resolves when the node
   * will make no more messages (its count is reached, or `ctx.stopped` was aborted).
   */
  start?(ctx: SourceContext): Promise<void>
  /** For nodes that talk to a remote system: whether they have reached it. */
  health?(): NodeHealth
  /**
   * No more input will enter the chain: a node that holds messages to send them together (a
   * linger) sends what it holds, and what reaches it from now on, at once, as the Java producer's
   * flush() and close() do, so that the end of a run does not wait out a linger.
   */
  endOfInput?(): void
}
