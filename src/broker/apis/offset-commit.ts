// OffsetCommit (key 8), versions 0-8; flexible from 8. Offsets are kept per group in memory.
//
// OffsetCommit Request (Version: 8) => group_id generation_id_or_member_epoch member_id
//                                      group_instance_id [topics] TAG_BUFFER
//   topics => name [partitions] TAG_BUFFER
//     partitions => partition_index committed_offset committed_leader_epoch committed_metadata TAG_BUFFER
// OffsetCommit Response (Version: 8) => throttle_time_ms [topics] TAG_BUFFER
//   topics => name [partitions] TAG_BUFFER
//     partitions => partition_index error_code TAG_BUFFER

import { ErrorCode } from '../protocol/error-codes.js'
import { array, field, type Struct } from '../protocol/schema.js'
import type { Api } from './api.js'

/** The OffsetCommit API. */
export const offsetCommitApi: Api = {
  key: 8,
  name: 'OffsetCommit',
  minVersion: 0,
  maxVersion: 8,
  flexibleFrom: 8,
  request: [
    field('groupId', 'string'),
    field('generationIdOrMemberEpoch', 'int32', 1),
    field('memberId', 'string', 1),
    field('groupInstanceId', 'string', 7, { nullableFrom: 7 }),
    field('retentionTimeMs', 'int64', 2, { max: 4 }),
    array('topics', [
      field('name', 'string'),
      array('partitions', [
        field('partitionIndex', 'int32'),
        field('committedOffset', 'int64'),
        field('committedLeaderEpoch', 'int32', 6),
        field('commitTimestamp', 'int64', 1, { max: 1 }),
        field('committedMetadata', 'string', 0, { nullableFrom: 0 })
      ])
    ])
  ],
  response: [
    field('throttleTimeMs', 'int32', 3),
    array('topics', [
      field('name', 'string'),
      array('partitions', [field('partitionIndex', 'int32'), field('errorCode', 'int16')])
    ])
  ],
  handle(request, _version, context) {
    const groupId = request.groupId as string
    return {
      topics: (request.topics as Struct[]).map((topic) => ({
        name: topic.name,
        partitions: (topic.partitions as Struct[]).map((p) => {
          const errorCode = context.injectedError ?? ErrorCode.NONE
          if (errorCode === ErrorCode.NONE) {
            context.groups.commit(
              groupId,
              topic.name as string,
              p.partitionIndex as number,
              p.committedOffset as bigint,
              (p.committedMetadata as string | null) ?? null
            )
          }
          return { partitionIndex: p.partitionIndex, errorCode }
        })
      }))
    }
  },
  errorResponse(request, errorCode) {
    return {
      topics: ((request.topics as Struct[] | undefined) ?? []).map((topic) => ({
        name: topic.name,
        partitions: (topic.partitions as Struct[]).map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode
        }))
      }))
    }
  }
}
