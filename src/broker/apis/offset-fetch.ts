// OffsetFetch (key 9), versions 0-8; flexible from 6. v8 asks for several groups at once (KIP-709).
//
// OffsetFetch Request (Version: 7) => group_id [topics] require_stable TAG_BUFFER
//   topics => name [partition_indexes] TAG_BUFFER
// OffsetFetch Request (Version: 8) => [groups] require_stable TAG_BUFFER
//   groups => group_id [topics] TAG_BUFFER
// OffsetFetch Response (Version: 7) => throttle_time_ms [topics] error_code TAG_BUFFER
//   topics => name [partitions] TAG_BUFFER
//     partitions => partition_index committed_offset committed_leader_epoch metadata error_code TAG_BUFFER
// OffsetFetch Response (Version: 8) => throttle_time_ms [groups] TAG_BUFFER
//   groups => group_id [topics] error_code TAG_BUFFER

import { ErrorCode } from '../protocol/error-codes.js'
import { array, field, type Schema, type Struct } from '../protocol/schema.js'
import type { GroupCoordinator } from '../groups/group-coordinator.js'
import type { Api } from './api.js'

const requestTopics = (min: number, max?: number): ReturnType<typeof array> =>
  array('topics', [field('name', 'string'), array('partitionIndexes', 'int32')], min, {
    nullableFrom: 2,
    ...(max === undefined ? {} : { max })
  })

const partitionSchema: Schema = [
  field('partitionIndex', 'int32'),
  field('committedOffset', 'int64'),
  field('committedLeaderEpoch', 'int32', 5),
  field('metadata', 'string', 0, { nullableFrom: 0 }),
  field('errorCode', 'int16')
]
const topicSchema: Schema = [field('name', 'string'), array('partitions', partitionSchema)]

function topicsOf(
  groups: GroupCoordinator,
  groupId: string,
  requested: Struct[] | null,
  injected: number | undefined
): Struct[] {
  let wanted: { name: string; partitionIndexes: number[] }[]
  if (requested === null) {
    // Null topics: every partition the group has committed (v2+).
    const byTopic = new Map<string, number[]>()
    for (const { topic, partition } of groups.committedPartitions(groupId)) {
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition])
    }
    wanted = [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes }))
  } else {
    wanted = requested.map((t) => ({
      name: t.name as string,
      partitionIndexes: t.partitionIndexes as number[]
    }))
  }
  return wanted.map((topic) => ({
    name: topic.name,
    partitions: topic.partitionIndexes.map((partitionIndex) => {
      const committed = groups.committed(groupId, topic.name, partitionIndex)
      return {
        partitionIndex,
        committedOffset: committed.offset,
        committedLeaderEpoch: -1,
        metadata: committed.metadata ?? '',
        errorCode: injected ?? ErrorCode.NONE
      }
    })
  }))
}

/** The OffsetFetch API. */
export const offsetFetchApi: Api = {
  key: 9,
  name: 'OffsetFetch',
  minVersion: 0,
  maxVersion: 8,
  flexibleFrom: 6,
  request: [
    field('groupId', 'string', 0, { max: 7 }),
    requestTopics(0, 7),
    array(
      'groups',
      [
        field('groupId', 'string'),
        array('topics', [field('name', 'string'), array('partitionIndexes', 'int32')], 0, { nullableFrom: 8 })
      ],
      8
    ),
    field('requireStable', 'bool', 7)
  ],
  response: [
    field('throttleTimeMs', 'int32', 3),
    array('topics', topicSchema, 0, { max: 7 }),
    field('errorCode', 'int16', 2, { max: 7 }),
    array(
      'groups',
      [field('groupId', 'string'), array('topics', topicSchema), field('errorCode', 'int16')],
      8
    )
  ],
  handle(request, version, context) {
    const injected = context.injectedError
    if (version < 8) {
      const topics = topicsOf(
        context.groups,
        request.groupId as string,
        request.topics as Struct[] | null,
        injected
      )
      return { topics, errorCode: injected ?? ErrorCode.NONE }
    }
    return {
      groups: (request.groups as Struct[]).map((g) => ({
        groupId: g.groupId,
        topics: topicsOf(context.groups, g.groupId as string, g.topics as Struct[] | null, injected),
        errorCode: injected ?? ErrorCode.NONE
      }))
    }
  },
  errorResponse: (request, errorCode) => ({
    topics: [],
    errorCode,
    groups: ((request.groups as Struct[] | undefined) ?? []).map((g) => ({
      groupId: g.groupId,
      topics: [],
      errorCode
    }))
  })
}
