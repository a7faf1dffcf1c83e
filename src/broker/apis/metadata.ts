// Metadata (key 3), versions 0-12; flexible from 9. One broker leads every partition.
//
// Metadata Request (Version: 12) => [topics] allow_auto_topic_creation include_topic_authorized_operations TAG_BUFFER
//   topics => topic_id name TAG_BUFFER
// Metadata Response (Version: 12) => throttle_time_ms [brokers] cluster_id controller_id [topics] TAG_BUFFER
//   brokers => node_id host port rack TAG_BUFFER
//   topics => error_code name topic_id is_internal [partitions] topic_authorized_operations TAG_BUFFER
//     partitions => error_code partition_index leader_id leader_epoch [replica_nodes] [isr_nodes] [offline_replicas] TAG_BUFFER

import { ErrorCode } from '../protocol/error-codes.js'
import { array, field, type Struct } from '../protocol/schema.js'
import { topicNameProblem } from '../log/topic-store.js'
import type { Api, RequestContext } from './api.js'

/** This broker's node id. */
export const NODE_ID = 0
const CLUSTER_ID = 'kafka-rule-node-dev'

/** What a topic's Metadata entry depends on. */
interface TopicQuery {
  readonly name: string
  readonly context: RequestContext
  /** Create the topic if it does not exist (allow_auto_topic_creation, not for "all topics"). */
  readonly autoCreate: boolean
  /** An error code injected by the fault plan, answered instead. */
  readonly injected: number | undefined
}

function topicEntry({ name, context, autoCreate, injected }: TopicQuery): Struct {
  if (injected !== undefined) return { errorCode: injected, name, partitions: [] }
  if (topicNameProblem(name) !== undefined)
    return { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, name, partitions: [] }
  const topic = context.store.topics.get(name)
  if (topic === undefined) {
    // Kafka (KRaft) asks its controller to create the topic and answers this request with
    // UNKNOWN_TOPIC_OR_PARTITION; the topic is there in a later Metadata answer. Clients retry, and
    // should meet the same first answer here as from Kafka.
    if (autoCreate) context.store.create(name, context.store.defaultPartitions)
    return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, partitions: [] }
  }
  return {
    errorCode: ErrorCode.NONE,
    name,
    topicId: topic.id,
    isInternal: false,
    partitions: topic.partitions.map((_, index) => ({
      errorCode: ErrorCode.NONE,
      partitionIndex: index,
      leaderId: NODE_ID,
      leaderEpoch: 0,
      replicaNodes: [NODE_ID],
      isrNodes: [NODE_ID],
      offlineReplicas: []
    })),
    topicAuthorizedOperations: -2147483648
  }
}

/** The Metadata API. */
export const metadataApi: Api = {
  key: 3,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 12,
  flexibleFrom: 9,
  request: [
    array('topics', [field('topicId', 'uuid', 10), field('name', 'string', 0, { nullableFrom: 10 })], 0, {
      nullableFrom: 1
    }),
    field('allowAutoTopicCreation', 'bool', 4),
    field('includeClusterAuthorizedOperations', 'bool', 8, { max: 10 }),
    field('includeTopicAuthorizedOperations', 'bool', 8)
  ],
  response: [
    field('throttleTimeMs', 'int32', 3),
    array('brokers', [
      field('nodeId', 'int32'),
      field('host', 'string'),
      field('port', 'int32'),
      field('rack', 'string', 1, { nullableFrom: 1 })
    ]),
    field('clusterId', 'string', 2, { nullableFrom: 2 }),
    field('controllerId', 'int32', 1),
    array('topics', [
      field('errorCode', 'int16'),
      field('name', 'string', 0, { nullableFrom: 12 }),
      field('topicId', 'uuid', 10),
      field('isInternal', 'bool', 1),
      array('partitions', [
        field('errorCode', 'int16'),
        field('partitionIndex', 'int32'),
        field('leaderId', 'int32'),
        field('leaderEpoch', 'int32', 7),
        array('replicaNodes', 'int32'),
        array('isrNodes', 'int32'),
        array('offlineReplicas', 'int32', 5)
      ]),
      field('topicAuthorizedOperations', 'int32', 8)
    ]),
    field('clusterAuthorizedOperations', 'int32', 8, { max: 10 })
  ],
  handle(request, version, context) {
    const requested = request.topics as Struct[] | null
    // v0 has no null: an empty list means all topics there; from v1 empty means none.
    const all = requested === null || (version === 0 && requested.length === 0)
    const autoCreate = version < 4 || request.allowAutoTopicCreation === true
    const names = all
      ? [...context.store.topics.keys()]
      : requested.map((t) => (t.name as string | null) ?? '')
    return {
      brokers: [
        { nodeId: NODE_ID, host: context.advertised.host, port: context.advertised.port, rack: null }
      ],
      clusterId: CLUSTER_ID,
      controllerId: NODE_ID,
      topics: names.map((name) =>
        topicEntry({ name, context, autoCreate: autoCreate && !all, injected: context.injectedError })
      ),
      clusterAuthorizedOperations: -2147483648
    }
  },
  errorResponse(request, errorCode) {
    const topics = ((request.topics as Struct[] | null) ?? []).map((t) => ({
      errorCode,
      name: t.name,
      partitions: []
    }))
    return { brokers: [], clusterId: CLUSTER_ID, controllerId: NODE_ID, topics }
  }
}
