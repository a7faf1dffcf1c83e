// FindCoordinator (key 10), versions 0-4; flexible from 3. This broker coordinates every group.
//
// FindCoordinator Request (Version: 3) => key key_type TAG_BUFFER
// FindCoordinator Request (Version: 4) => key_type [coordinator_keys] TAG_BUFFER
// FindCoordinator Response (Version: 3) => throttle_time_ms error_code error_message node_id host port TAG_BUFFER
// FindCoordinator Response (Version: 4) => throttle_time_ms [coordinators] TAG_BUFFER
//   coordinators => key node_id host port error_code error_message TAG_BUFFER

import { ErrorCode } from '../protocol/error-codes.js'
import { array, field } from '../protocol/schema.js'
import type { Api } from './api.js'
import { NODE_ID } from './metadata.js'

/** The FindCoordinator API. */
export const findCoordinatorApi: Api = {
  key: 10,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 4,
  flexibleFrom: 3,
  request: [
    field('key', 'string', 0, { max: 3 }),
    field('keyType', 'int8', 1),
    array('coordinatorKeys', 'string', 4)
  ],
  response: [
    field('throttleTimeMs', 'int32', 1),
    field('errorCode', 'int16', 0, { max: 3 }),
    field('errorMessage', 'string', 1, { max: 3, nullableFrom: 1 }),
    field('nodeId', 'int32', 0, { max: 3 }),
    field('host', 'string', 0, { max: 3 }),
    field('port', 'int32', 0, { max: 3 }),
    array(
      'coordinators',
      [
        field('key', 'string'),
        field('nodeId', 'int32'),
        field('host', 'string'),
        field('port', 'int32'),
        field('errorCode', 'int16'),
        field('errorMessage', 'string', 0, { nullableFrom: 0 })
      ],
      4
    )
  ],
  handle(request, _version, context) {
    const errorCode = context.injectedError ?? ErrorCode.NONE
    const { host, port } = context.advertised
    const keys = (request.coordinatorKeys as string[] | undefined) ?? []
    return {
      errorCode,
      errorMessage: null,
      nodeId: NODE_ID,
      host,
      port,
      coordinators: keys.map((key) => ({ key, nodeId: NODE_ID, host, port, errorCode, errorMessage: null }))
    }
  },
  errorResponse: (_request, errorCode) => ({ errorCode, nodeId: -1, host: '', port: -1, coordinators: [] })
}
