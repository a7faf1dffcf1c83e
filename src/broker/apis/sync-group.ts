// SyncGroup (key 14), versions 0-5; flexible from 4.
//
// SyncGroup Request (Version: 5) => group_id generation_id member_id group_instance_id protocol_type
//                                   protocol_name [assignments] TAG_BUFFER
//   assignments => member_id assignment TAG_BUFFER
// SyncGroup Response (Version: 5) => throttle_time_ms error_code protocol_type protocol_name assignment TAG_BUFFER

import { array, field, type Struct } from '../protocol/schema.js'
import type { Api } from './api.js'

/** The SyncGroup API. */
export const syncGroupApi: Api = {
  key: 14,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 5,
  flexibleFrom: 4,
  request: [
    field('groupId', 'string'),
    field('generationId', 'int32'),
    field('memberId', 'string'),
    field('groupInstanceId', 'string', 3, { nullableFrom: 3 }),
    field('protocolType', 'string', 5, { nullableFrom: 5 }),
    field('protocolName', 'string', 5, { nullableFrom: 5 }),
    array('assignments', [field('memberId', 'string'), field('assignment', 'bytes')])
  ],
  response: [
    field('throttleTimeMs', 'int32', 1),
    field('errorCode', 'int16'),
    field('protocolType', 'string', 5, { nullableFrom: 5 }),
    field('protocolName', 'string', 5, { nullableFrom: 5 }),
    field('assignment', 'bytes')
  ],
  async handle(request, _version, context) {
    if (context.injectedError !== undefined) return this.errorResponse(request, context.injectedError)
    const result = await context.groups.sync({
      groupId: request.groupId as string,
      generationId: request.generationId as number,
      memberId: request.memberId as string,
      assignments: (request.assignments as Struct[]).map((a) => ({
        memberId: a.memberId as string,
        assignment: Buffer.from(a.assignment as Buffer)
      }))
    })
    return {
      ...result,
      protocolType: request.protocolType ?? null,
      protocolName: request.protocolName ?? null
    }
  },
  errorResponse: (_request, errorCode) => ({ errorCode, assignment: Buffer.alloc(0) })
}
