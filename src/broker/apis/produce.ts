// Produce (key 0), versions 3-9; flexible from 9. Batches are stored as sent (any compression),
// with base offsets assigned here; acks 0 gets no response at all (protocol guide, Produce API).
//
// Produce Request (Version: 9) => transactional_id acks timeout_ms [topic_data] TAG_BUFFER
//   topic_data => name [partition_data] TAG_BUFFER
//     partition_data => index records TAG_BUFFER
// Produce Response (Version: 9) => [responses] throttle_time_ms TAG_BUFFER
//   responses => name [partition_responses] TAG_BUFFER
//     partition_responses => index error_code base_offset log_append_time_ms log_start_offset
//                            [record_errors] error_message TAG_BUFFER

import { ErrorCode } from '../protocol/error-codes.js'
import { array, field, type Struct } from '../protocol/schema.js'
import { batchCrcValid, splitBatches } from '../log/record-batch.js'
import type { Api, RequestContext } from './api.js'

// Kafka's Topic.isInternal, and AdminUtils.AdminClientId: the one client id allowed to write them.
const INTERNAL_TOPICS = new Set(['__consumer_offsets', '__transaction_state'])
const ADMIN_CLIENT_ID = '__admin_client'

/** What an answered partition adds to its error code: where its batch went, or why it did not. */
interface PartitionOutcome {
  readonly baseOffset?: number
  readonly logStartOffset?: number
  readonly errorMessage?: string | null
}

// The int64 fields stay numbers: the writer writes them without a BigInt per answer.
const partitionResult = (
  index: number,
  errorCode: number,
  { baseOffset = -1, logStartOffset = -1, errorMessage = null }: PartitionOutcome = {}
): Struct => ({
  index,
  errorCode,
  baseOffset,
  logAppendTimeMs: -1,
  logStartOffset,
  recordErrors: [],
  errorMessage
})

function producePartition(topicName: string, data: Struct, context: RequestContext): Struct {
  const index = data.index as number
  if (context.injectedError !== undefined) return partitionResult(index, context.injectedError)
  // Kafka's ReplicaManager refuses a client's append to an internal topic with
  // InvalidTopicException; only its own admin client id may write there. Kafka keeps group
  // offsets in __consumer_offsets, which this broker holds elsewhere, so the refusal does not
  // depend on the topic existing here.
  if (INTERNAL_TOPICS.has(topicName) && context.clientId !== ADMIN_CLIENT_ID)
    return partitionResult(index, ErrorCode.INVALID_TOPIC_EXCEPTION, {
      errorMessage: `Cannot append to internal topic ${topicName}`
    })
  // An illegal name is just a topic that cannot exist: Kafka answers UNKNOWN_TOPIC_OR_PARTITION
  // (Produce never creates topics, so it never validates names).
  const log = context.store.topics.get(topicName)?.partitions[index]
  if (log === undefined) return partitionResult(index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  const records = data.records as Buffer | null
  if (records === null || records.length === 0)
    return partitionResult(index, ErrorCode.CORRUPT_MESSAGE, { errorMessage: 'no records' })
  const batches = splitBatches(records)
  if (typeof batches === 'string')
    return partitionResult(index, ErrorCode.CORRUPT_MESSAGE, { errorMessage: batches })
  for (const batch of batches) {
    // Kafka's answer carries no error message (ReplicaManager passes a RecordTooLargeException's
    // text to no one), so a client reports the code's own text.
    if (batch.bytes.length > context.maxMessageBytes)
      return partitionResult(index, ErrorCode.MESSAGE_TOO_LARGE)
    // Kafka checks every batch's CRC before it appends (LogValidator, after the size check), so a
    // batch damaged on the way is refused, not stored for consumers to trip over. Its answer
    // carries no error message: ReplicaManager passes a CorruptRecordException's text to no one.
    if (!batchCrcValid(batch.bytes)) return partitionResult(index, ErrorCode.CORRUPT_MESSAGE)
  }
  const result = log.append(batches)
  return partitionResult(index, result.errorCode, {
    baseOffset: result.baseOffset,
    logStartOffset: log.logStartOffset
  })
}

/** The Produce API. */
export const produceApi: Api = {
  key: 0,
  name: 'Produce',
  minVersion: 3,
  maxVersion: 9,
  flexibleFrom: 9,
  request: [
    field('transactionalId', 'string', 3, { nullableFrom: 3 }),
    field('acks', 'int16'),
    field('timeoutMs', 'int32'),
    array('topicData', [
      field('name', 'string'),
      array('partitionData', [field('index', 'int32'), field('records', 'bytes', 0, { nullableFrom: 0 })])
    ])
  ],
  response: [
    array('responses', [
      field('name', 'string'),
      array('partitionResponses', [
        field('index', 'int32'),
        field('errorCode', 'int16'),
        field('baseOffset', 'int64'),
        field('logAppendTimeMs', 'int64', 2),
        field('logStartOffset', 'int64', 5),
        array(
          'recordErrors',
          [field('batchIndex', 'int32'), field('batchIndexErrorMessage', 'string', 8, { nullableFrom: 8 })],
          8
        ),
        field('errorMessage', 'string', 8, { nullableFrom: 8 })
      ])
    ]),
    field('throttleTimeMs', 'int32', 1)
  ],
  handle(request, _version, context) {
    const acks = request.acks as number
    const topics = request.topicData as Struct[]
    const invalidAcks = acks !== 0 && acks !== 1 && acks !== -1
    const responses = topics.map((topic) => ({
      name: topic.name,
      partitionResponses: (topic.partitionData as Struct[]).map((data) =>
        invalidAcks
          ? partitionResult(data.index as number, ErrorCode.INVALID_REQUIRED_ACKS)
          : producePartition(topic.name as string, data, context)
      )
    }))
    return acks === 0 ? null : { responses }
  },
  errorResponse(request, errorCode) {
    return {
      responses: ((request.topicData as Struct[] | undefined) ?? []).map((topic) => ({
        name: topic.name,
        partitionResponses: (topic.partitionData as Struct[]).map((data) =>
          partitionResult(data.index as number, errorCode)
        )
      }))
    }
  }
}
