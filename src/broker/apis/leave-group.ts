// LeaveGroup (key 13), versions 0-4; flexible from 4. From v3 a batch of members (KIP-345).
//
// LeaveGroup Request (Version: 2) => group_id member_id
// LeaveGroup Request (Version: 4) => group_id [members] TAG_BUFFER
//   members => member_id group_instance_id TAG_BUFFER
// LeaveGroup Response (Version: 4) => throttle_time_ms error_code [members] TAG_BUFFER
//   members => member_id group_instance_id error_code TAG_BUFFER

import { ErrorCode } from '../protocol/error-codes.js'
import { array, field, type Struct } from '../protocol/schema.js'
import type { Api } from './api.js'

/** The LeaveGroup API. */
export const leaveGroupApi: Api = {
  key: 13,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 4,
  flexibleFrom: 4,
  request: [
    field('groupId', 'string'),
    field('memberId', 'string', 0, { max: 2 }),
    array(
      'members',
      [field('memberId', 'string'), field('groupInstanceId', 'string', 3, { nullableFrom: 3 })],
      3
    )
  ],
  response: [
    field('throttleTimeMs', 'int32', 1),
    field('errorCode', 'int16'),
    array(
      'members',
      [
        field('memberId', 'string'),
        field('groupInstanceId', 'string', 3, { nullableFrom: 3 }),
        field('errorCode', 'int16')
      ],
      3
    )
  ],
  handle(request, version, context) {
    if (context.injectedError !== undefined) return { errorCode: context.injectedError, members: [] }
    const groupId = request.groupId as string
    if (version < 3)
      return { errorCode: context.groups.leave(groupId, request.memberId as string), members: [] }
    const members = (request.members as Struct[]).map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId ?? null,
      errorCode: context.groups.leave(groupId, m.memberId as string)
    }))
    return { errorCode: ErrorCode.NONE, members }
  },
  errorResponse: (_request, errorCode) => ({ errorCode, members: [] })
}
