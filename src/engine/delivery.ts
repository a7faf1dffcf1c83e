import { describeError } from '../errors.js'
import type { TbMsg } from '../msg/message.js'
import type { Logger } from './logger.js'
import type { NodeMetrics } from './node-metrics.js'
import { Relation } from './relations.js'
import type { Acceptance, MsgContext } from './rule-node.js'

/**
 * One pushed message and the copies a fork made of it, counted until the last has left the chain;
 * then whoever pushed it is told. Messages are matched by lineage, not by id, because a node may
 * derive a message with a new id.
 */
export class Lineage {
  live = 1
  readonly onSettled: () => void

  constructor(onSettled: () => void) {
    this.onSettled = onSettled
  }
}

/** What a delivery reports back to the runtime: where its node told the message to go. */
export interface DeliveryOwner {
  readonly nodeName: string
  readonly nodeId: string
  readonly logger: Logger
  readonly metrics: NodeMetrics
  /** Routes `msg` out of this node along `relation`; called exactly once per delivery. */
  route(delivery: Delivery, msg: TbMsg, relation: string | readonly string[]): Acceptance
  /** Routes `msgs` (maybe none) out of this node along `relation` in place of the received one. */
  routeEach(delivery: Delivery, msgs: readonly TbMsg[], relation: string): Acceptance
}

/** One message received by one node: the MsgContext that lets it be told onwards exactly once. */
export class Delivery implements MsgContext {
  readonly #owner: DeliveryOwner
  readonly received: TbMsg
  /** The pushed message this one descends from, when its pusher asked to be told that it settled. */
  readonly lineage: Lineage | undefined
  /** @internal The node's list of deliveries not yet told onwards (see ChainNode.pending). */
  newerPending: Delivery | undefined
  /** @internal */
  olderPending: Delivery | undefined
  #done = false

  constructor(owner: DeliveryOwner, received: TbMsg, lineage?: Lineage) {
    this.#owner = owner
    this.received = received
    this.lineage = lineage
  }

  get nodeName(): string {
    return this.#owner.nodeName
  }

  get nodeId(): string {
    return this.#owner.nodeId
  }

  get logger(): Logger {
    return this.#owner.logger
  }

  get metrics(): NodeMetrics {
    return this.#owner.metrics
  }

  get done(): boolean {
    return this.#done
  }

  tellNext(msg: TbMsg, relation: string | readonly string[]): Acceptance {
    if (this.#done) {
      this.#owner.logger.error(
        `node "${this.#owner.nodeName}" told message ${this.received.id} onwards twice; the second time (${String(relation)}) is ignored`
      )
      return undefined
    }
    this.#done = true
    return this.#owner.route(this, msg, relation)
  }

  tellEach(msgs: readonly TbMsg[], relation: string): Acceptance {
    if (this.#done) {
      this.#owner.logger.error(
        `node "${this.#owner.nodeName}" told message ${this.received.id} onwards twice; the second time (${msgs.length} messages on ${relation}) is ignored`
      )
      return undefined
    }
    this.#done = true
    return this.#owner.routeEach(this, msgs, relation)
  }

  ack(): void {
    void this.tellEach([], Relation.SUCCESS)
  }

  tellSuccess(msg: TbMsg): Acceptance {
    return this.tellNext(msg, Relation.SUCCESS)
  }

  tellFailure(msg: TbMsg, error: unknown): Acceptance {
    return this.tellNext(msg.withMetadata({ error: describeError(error) }), Relation.FAILURE)
  }
}
