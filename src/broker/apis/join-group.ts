// JoinGroup (key 11), versions 0-7; flexible from 6. Answers when the rebalance completes.
//
// JoinGroup Request (Version: 7) => group_id session_timeout_ms rebalance_timeout_ms member_id
//                                   group_instance_id protocol_type [protocols] TAG_BUFFER
//   protocols => name metadata TAG_BUFFER
// JoinGroup Response (Version: 7) => throttle_time_ms error_code generation_id protocol_type
//                                    protocol_name leader member_id [members] TAG_BUFFER
//   members => member_id group_instance_id metadata TAG_BUFFER

import { array, field, type Struct } from '../protocol/schema.js'
import type { MemberProtocol } from '../groups/group-coordinator.js'
import type { Api } from './api.js'

/** The JoinGroup API. */
export const joinGroupApi: Api = {
  key: 11,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 7,
  flexibleFrom: 6,
  request: [
    field('groupId', 'string'),
    field('sessionTimeoutMs', 'int32'),
    field('rebalanceTimeoutMs', 'int32', 1),
    field('memberId', 'string'),
    field('groupInstanceId', 'string', 5, { nullableFrom: 5 }),
    field('protocolType', 'string'),
    array('protocols', [field('name', 'string'), field('metadata', 'bytes')])
  ],
  response: [
    field('throttleTimeMs', 'int32', 2),
    field('errorCode', 'int16'),
    field('generationId', 'int32'),
    field('protocolType', 'string', 7, { nullableFrom: 7 }),
    field('protocolName', 'string', 0, { nullableFrom: 7 }),
    field('leader', 'string'),
    field('memberId', 'string'),
    array('members', [
      field('memberId', 'string'),
      field('groupInstanceId', 'string', 5, { nullableFrom: 5 }),
      field('metadata', 'bytes')
    ])
  ],
  async handle(request, version, context) {
    if (context.injectedError !== undefined) return this.errorResponse(request, context.injectedError)
    const sessionTimeoutMs = request.sessionTimeoutMs as number
    const result = await context.groups.join({
      groupId: request.groupId as string,
      memberId: request.memberId as string,
      groupInstanceId: (request.groupInstanceId as string | null | undefined) ?? null,
      protocolType: request.protocolType as string,
      protocols: (request.protocols as Struct[]).map(
        (p) =>
          ({ name: p.name as string, metadata: Buffer.from(p.metadata as Buffer) }) satisfies MemberProtocol
      ),
      sessionTimeoutMs,
      rebalanceTimeoutMs: version >= 1 ? (request.rebalanceTimeoutMs as number) : sessionTimeoutMs
    })
    return {
      ...result,
      protocolType: request.protocolType,
      protocolName: result.protocolName ?? (version >= 7 ? null : '')
    }
  },
  errorResponse: (request, errorCode) => ({
    errorCode,
    generationId: -1,
    protocolName: '',
    leader: '',
    memberId: request.memberId ?? '',
    members: []
  })
}
