// InitProducerId (key 22), versions 0-4; flexible from 2. Hands out a fresh producer id with
// epoch 0 (KIP-98); transactions are not supported by this development broker.
//
// InitProducerId Request (Version: 4) => transactional_id transaction_timeout_ms producer_id producer_epoch TAG_BUFFER
// InitProducerId Response (Version: 4) => throttle_time_ms error_code producer_id producer_epoch TAG_BUFFER

import { ErrorCode } from '../protocol/error-codes.js'
import { field } from '../protocol/schema.js'
import type { Api } from './api.js'

/** The InitProducerId API. */
export const initProducerIdApi: Api = {
  key: 22,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 4,
  flexibleFrom: 2,
  request: [
    field('transactionalId', 'string', 0, { nullableFrom: 0 }),
    field('transactionTimeoutMs', 'int32'),
    field('producerId', 'int64', 3),
    field('producerEpoch', 'int16', 3)
  ],
  response: [
    field('throttleTimeMs', 'int32'),
    field('errorCode', 'int16'),
    field('producerId', 'int64'),
    field('producerEpoch', 'int16')
  ],
  handle(request, _version, context) {
    if (context.injectedError !== undefined)
      return { errorCode: context.injectedError, producerId: -1n, producerEpoch: -1 }
    if (request.transactionalId !== null)
      return { errorCode: ErrorCode.INVALID_REQUEST, producerId: -1n, producerEpoch: -1 }
    return { errorCode: ErrorCode.NONE, producerId: context.nextProducerId(), producerEpoch: 0 }
  },
  errorResponse: (_request, errorCode) => ({ errorCode, producerId: -1n, producerEpoch: -1 })
}
