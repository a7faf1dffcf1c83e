// ListOffsets (key 2), versions 0-7; flexible from 6. Timestamp -2 is the earliest offset, -1 the
// latest (the high watermark), anything else the first batch whose max timestamp reaches it.
//
// ListOffsets Request (Version: 7) => replica_id isolation_level [topics] TAG_BUFFER
//   topics => name [partitions] TAG_BUFFER
//     partitions => partition_index current_leader_epoch timestamp TAG_BUFFER
// ListOffsets Response (Version: 7) => throttle_time_ms [topics] TAG_BUFFER
//   topics => name [partitions] TAG_BUFFER
//     partitions => partition_index error_code timestamp offset leader_epoch TAG_BUFFER

import { ErrorCode } from '../protocol/error-codes.js'
import { array, field, type Struct } from '../protocol/schema.js'
import type { Api } from './api.js'

const EARLIEST = -2n
const LATEST = -1n

/** The ListOffsets API. */
export const listOffsetsApi: Api = {
  key: 2,
  name: 'ListOffsets',
  minVersion: 0,
  maxVersion: 7,
  flexibleFrom: 6,
  request: [
    field('replicaId', 'int32'),
    field('isolationLevel', 'int8', 2),
    array('topics', [
      field('name', 'string'),
      array('partitions', [
        field('partitionIndex', 'int32'),
        field('currentLeaderEpoch', 'int32', 4),
        field('timestamp', 'int64'),
        field('maxNumOffsets', 'int32', 0, { max: 0 })
      ])
    ])
  ],
  response: [
    field('throttleTimeMs', 'int32', 2),
    array('topics', [
      field('name', 'string'),
      array('partitions', [
        field('partitionIndex', 'int32'),
        field('errorCode', 'int16'),
        array('oldStyleOffsets', 'int64', 0, { max: 0 }),
        field('timestamp', 'int64', 1),
        field('offset', 'int64', 1),
        field('leaderEpoch', 'int32', 4)
      ])
    ])
  ],
  handle(request, _version, context) {
    return {
      topics: (request.topics as Struct[]).map((topic) => ({
        name: topic.name,
        partitions: (topic.partitions as Struct[]).map((p) => {
          const partitionIndex = p.partitionIndex as number
          const log = context.store.topics.get(topic.name as string)?.partitions[partitionIndex]
          const errorCode =
            context.injectedError ??
            (log === undefined ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.NONE)
          if (log === undefined || errorCode !== ErrorCode.NONE)
            return {
              partitionIndex,
              errorCode,
              timestamp: -1n,
              offset: -1n,
              leaderEpoch: -1,
              oldStyleOffsets: []
            }
          const timestamp = p.timestamp as bigint
          const offset =
            timestamp === EARLIEST
              ? log.logStartOffset
              : timestamp === LATEST
                ? log.highWatermark
                : log.offsetForTimestamp(timestamp)
          return {
            partitionIndex,
            errorCode,
            timestamp: -1n,
            offset: BigInt(offset),
            leaderEpoch: 0,
            oldStyleOffsets: [BigInt(offset)]
          }
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
          errorCode,
          offset: -1n,
          timestamp: -1n
        }))
      }))
    }
  }
}
