// How the Kafka node fails a message: on `Failure`, with ThingsBoard's `error` text (the Java
// producer's exception for the same failure, java-exceptions.ts) and, beside it, our own account
// of what went wrong, which says more (the partition, the last error before a timeout, the broker).

import { describeError } from '../../errors.js'
import { Relation } from '../../engine/relations.js'
import type { Acceptance, MsgContext } from '../../engine/rule-node.js'
import type { TbMsg } from '../../msg/message.js'
import { thingsBoardErrorText } from './java-exceptions.js'

/** The metadata key with our own description of a failure: `"<ErrorClass>: <message>"`. */
export const ERROR_DETAIL_KEY = 'errorDetail'

/** The metadata a failed message leaves with: `error` as ThingsBoard writes it, and `errorDetail`. */
export function failureMetadata(error: unknown): Record<string, string> {
  return { error: thingsBoardErrorText(error), [ERROR_DETAIL_KEY]: describeError(error) }
}

/** Passes `msg` on along `Failure` with `failureMetadata(error)`. */
export function tellKafkaFailure(ctx: MsgContext, msg: TbMsg, error: unknown): Acceptance {
  return ctx.tellNext(msg.withMetadata(failureMetadata(error)), Relation.FAILURE)
}
