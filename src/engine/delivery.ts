import { describeError } from '../errors.js'
import type { TbMsg } from '../msg/message.js'
import type { Logger } from './logger.js'
import type { NodeMetrics } from './node-metrics.js'
import { Relation } from './relations.js'
import type { Acceptance, MsgContext } from './rule-node.js'

/**
 * One pushed message and every copy it became: called once when the last of them has left the
 * chain, so that a source can tell when what it took is done (a Kafka input commits its offset).
 */
export interface Departure {
  /** Copies of the pushed message still in the chain. */
  copies: number
  readonly onLeft: () => void
}

/** What a delivery reports back to the runtime: where its node told the message to go. */
export interface DeliveryOwner {
  readonly nodeName: string
  readonly nodeId: string
  readonly logger: Logger
  readonly metrics: NodeMetrics
  /** Routes `msg` out of this node along `relation`; called exactly once per delivery. */
  route(delivery: Delivery, msg: TbMsg, relation: string | readonly string[]): Acceptance
}

/** One message received by one node: the MsgContext that lets it be told onwards exactly once. */
export class Delivery implements MsgContext {
  readonly #owner: DeliveryOwner
  readonly received: TbMsg
  /** The pushed message this one came from, when its pusher wants to know it left. */
  readonly departure: Departure | undefined
  #done = false

  constructor(owner: DeliveryOwner, received: TbMsg, departure?: Departure) {
    this.#owner = owner
    this.received = received
    this.departure = departure
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

  tellSuccess(msg: TbMsg): Acceptance {
    return this.tellNext(msg, Relation.SUCCESS)
  }

  tellFailure(msg: TbMsg, error: unknown): Acceptance {
    return this.tellNext(msg.withMetadata({ error: describeError(error) }), Relation.FAILURE)
  }
}
