// Heartbeat (key 12), versions 0-4; flexible from 4.
//
// Heartbeat Request (Version: 4) => group_id generation_id member_id group_instance_id TAG_BUFFER
// Heartbeat Response (Version: 4) => throttle_time_ms error_code TAG_BUFFER

import { field } from '../protocol/schema.js'
import type { Api } from './api.js'

/** The Heartbeat API. */
export const heartbeatApi: Api = {
  key: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 4,
  flexibleFrom: 4,
  request: [
    field('groupId', 'string'),
    field('generationId', 'int32'),
    field('memberId', 'string'),
    field('groupInstanceId', 'string', 3, { nullableFrom: 3 })
  ],
  response: [field('throttleTimeMs', 'int32', 1), field('errorCode', 'int16')],
  handle: (request, _version, context) => ({
    errorCode:
      context.injectedError ??
      context.groups.heartbeat(
        request.groupId as string,
        request.memberId as string,
        request.generationId as number
      )
  }),
  errorResponse: (_request, errorCode) => ({ errorCode })
}
