// CreateTopics (key 19), versions 0-7; flexible from 5. Replication factor and configs are
// accepted and ignored: there is one broker.
//
// CreateTopics Request (Version: 7) => [topics] timeout_ms validate_only TAG_BUFFER
//   topics => name num_partitions replication_factor [assignments] [configs] TAG_BUFFER
// CreateTopics Response (Version: 7) => throttle_time_ms [topics] TAG_BUFFER
//   topics => name topic_id error_code error_message num_partitions replication_factor [configs] TAG_BUFFER

import { ErrorCode } from '../protocol/error-codes.js'
import { array, field, type Struct } from '../protocol/schema.js'
import { topicNameProblem } from '../log/topic-store.js'
import type { Api } from './api.js'

/** The CreateTopics API. */
export const createTopicsApi: Api = {
  key: 19,
  name: 'CreateTopics',
  minVersion: 0,
  maxVersion: 7,
  flexibleFrom: 5,
  request: [
    array('topics', [
      field('name', 'string'),
      field('numPartitions', 'int32'),
      field('replicationFactor', 'int16'),
      array('assignments', [field('partitionIndex', 'int32'), array('brokerIds', 'int32')]),
      array('configs', [field('name', 'string'), field('value', 'string', 0, { nullableFrom: 0 })])
    ]),
    field('timeoutMs', 'int32'),
    field('validateOnly', 'bool', 1)
  ],
  response: [
    field('throttleTimeMs', 'int32', 2),
    array('topics', [
      field('name', 'string'),
      field('topicId', 'uuid', 7),
      field('errorCode', 'int16'),
      field('errorMessage', 'string', 1, { nullableFrom: 1 }),
      field('numPartitions', 'int32', 5),
      field('replicationFactor', 'int16', 5),
      array(
        'configs',
        [
          field('name', 'string'),
          field('value', 'string', 0, { nullableFrom: 0 }),
          field('readOnly', 'bool'),
          field('configSource', 'int8'),
          field('isSensitive', 'bool')
        ],
        5,
        { nullableFrom: 5 }
      )
    ])
  ],
  handle(request, _version, context) {
    return {
      topics: (request.topics as Struct[]).map((t) => {
        const name = t.name as string
        const requested = t.numPartitions as number
        const partitions = requested === -1 ? context.store.defaultPartitions : requested
        const fail = (errorCode: number, errorMessage: string): Struct => ({
          name,
          errorCode,
          errorMessage,
          numPartitions: -1,
          replicationFactor: -1,
          configs: null
        })
        if (context.injectedError !== undefined) return fail(context.injectedError, 'injected')
        const problem = topicNameProblem(name)
        if (problem !== undefined) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, problem)
        if (context.store.topics.has(name))
          return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `topic ${name} already exists`)
        if (partitions < 1)
          return fail(
            ErrorCode.INVALID_PARTITIONS,
            `number of partitions must be at least 1 (got ${partitions})`
          )
        const topic = request.validateOnly === true ? undefined : context.store.create(name, partitions)
        return {
          name,
          topicId: topic?.id ?? '0',
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          numPartitions: partitions,
          replicationFactor: 1,
          configs: []
        }
      })
    }
  },
  errorResponse: (request, errorCode) => ({
    topics: ((request.topics as Struct[] | undefined) ?? []).map((t) => ({
      name: t.name,
      errorCode,
      errorMessage: null,
      configs: null
    }))
  })
}
