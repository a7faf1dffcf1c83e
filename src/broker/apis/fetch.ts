// Fetch (key 1), versions 4-13; flexible from 12; topics named by id from 13 (KIP-516). Serves stored batches as they are, from the
// one holding the fetch offset, at least one batch even over the byte limits (KIP-74); long-polls
// up to max_wait_ms until min_bytes arrive. No incremental fetch sessions (KIP-227): session id 0
// tells the client to keep sending full fetches.
//
// Fetch Request (Version: 12) => replica_id max_wait_ms min_bytes max_bytes isolation_level session_id
//                               session_epoch [topics] [forgotten_topics_data] rack_id TAG_BUFFER
//   topics => topic [partitions] TAG_BUFFER
//     partitions => partition current_leader_epoch fetch_offset last_fetched_epoch log_start_offset partition_max_bytes TAG_BUFFER
//   forgotten_topics_data => topic [partitions] TAG_BUFFER
// Fetch Response (Version: 12) => throttle_time_ms error_code session_id [responses] TAG_BUFFER
//   responses => topic [partitions] TAG_BUFFER
//     partitions => partition_index error_code high_watermark last_stable_offset log_start_offset
//                   [aborted_transactions] preferred_read_replica records TAG_BUFFER

import { ErrorCode } from '../protocol/error-codes.js'
import { array, field, type Struct } from '../protocol/schema.js'
import type { PartitionLog } from '../log/partition-log.js'
import type { Api, RequestContext } from './api.js'

interface Wanted {
  readonly topic: string
  readonly topicId: string
  readonly partition: number
  readonly offset: number
  readonly maxBytes: number
  readonly log: PartitionLog | undefined
}

function wanted(request: Struct, context: RequestContext): Wanted[] {
  const out: Wanted[] = []
  for (const topic of request.topics as Struct[]) {
    const topicId = (topic.topicId as string | undefined) ?? ''
    const name = (topic.topic as string | undefined) ?? context.store.byId(topicId)?.name ?? ''
    for (const p of topic.partitions as Struct[]) {
      const partition = p.partition as number
      out.push({
        topic: name,
        topicId,
        partition,
        offset: Number(p.fetchOffset as bigint),
        maxBytes: p.partitionMaxBytes as number,
        log: context.store.topics.get(name)?.partitions[partition]
      })
    }
  }
  return out
}

function available(items: readonly Wanted[]): number {
  let bytes = 0
  for (const item of items) {
    if (item.log === undefined) continue
    for (const batch of item.log.read(item.offset, item.maxBytes)) bytes += batch.length
  }
  return bytes
}

function respond(items: readonly Wanted[], maxBytes: number, injected: number | undefined): Struct {
  let budget = maxBytes
  const byTopic = new Map<string, Struct[]>()
  for (const item of items) {
    const key = `${item.topic}\0${item.topicId}`
    const list = byTopic.get(key) ?? []
    byTopic.set(key, list)
    const log = item.log
    const base = {
      partitionIndex: item.partition,
      abortedTransactions: null,
      preferredReadReplica: -1,
      records: null
    }
    if (injected !== undefined || log === undefined) {
      list.push({
        ...base,
        errorCode: injected ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        highWatermark: -1n,
        lastStableOffset: -1n,
        logStartOffset: -1n
      })
      continue
    }
    const marks = {
      highWatermark: BigInt(log.highWatermark),
      lastStableOffset: BigInt(log.highWatermark),
      logStartOffset: BigInt(log.logStartOffset)
    }
    if (item.offset > log.highWatermark || item.offset < log.logStartOffset) {
      list.push({ ...base, ...marks, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE })
      continue
    }
    const batches = budget > 0 ? log.read(item.offset, Math.min(item.maxBytes, budget)) : []
    const records = Buffer.concat(batches)
    budget -= records.length
    list.push({ ...base, ...marks, errorCode: ErrorCode.NONE, records })
  }
  return {
    errorCode: ErrorCode.NONE,
    sessionId: 0,
    responses: [...byTopic].map(([key, partitions]) => {
      const [topic, topicId] = key.split('\0')
      return { topic, topicId, partitions }
    })
  }
}

/** The Fetch API. */
export const fetchApi: Api = {
  key: 1,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 13,
  flexibleFrom: 12,
  request: [
    field('replicaId', 'int32'),
    field('maxWaitMs', 'int32'),
    field('minBytes', 'int32'),
    field('maxBytes', 'int32', 3),
    field('isolationLevel', 'int8', 4),
    field('sessionId', 'int32', 7),
    field('sessionEpoch', 'int32', 7),
    array('topics', [
      field('topic', 'string', 0, { max: 12 }),
      field('topicId', 'uuid', 13),
      array('partitions', [
        field('partition', 'int32'),
        field('currentLeaderEpoch', 'int32', 9),
        field('fetchOffset', 'int64'),
        field('lastFetchedEpoch', 'int32', 12),
        field('logStartOffset', 'int64', 5),
        field('partitionMaxBytes', 'int32')
      ])
    ]),
    array(
      'forgottenTopicsData',
      [field('topic', 'string', 0, { max: 12 }), field('topicId', 'uuid', 13), array('partitions', 'int32')],
      7
    ),
    field('rackId', 'string', 11)
  ],
  response: [
    field('throttleTimeMs', 'int32', 1),
    field('errorCode', 'int16', 7),
    field('sessionId', 'int32', 7),
    array('responses', [
      field('topic', 'string', 0, { max: 12 }),
      field('topicId', 'uuid', 13),
      array('partitions', [
        field('partitionIndex', 'int32'),
        field('errorCode', 'int16'),
        field('highWatermark', 'int64'),
        field('lastStableOffset', 'int64', 4),
        field('logStartOffset', 'int64', 5),
        array('abortedTransactions', [field('producerId', 'int64'), field('firstOffset', 'int64')], 4, {
          nullableFrom: 4
        }),
        field('preferredReadReplica', 'int32', 11),
        field('records', 'bytes', 0, { nullableFrom: 0 })
      ])
    ])
  ],
  async handle(request, _version, context) {
    const items = wanted(request, context)
    const maxBytes = request.maxBytes as number
    const deadline = Date.now() + Math.min(request.maxWaitMs as number, 30_000)
    const minBytes = Math.max(1, request.minBytes as number)
    // Long poll: wake on any append to a requested partition, up to max_wait_ms.
    while (context.injectedError === undefined && !context.closed() && available(items) < minBytes) {
      const left = deadline - Date.now()
      if (left <= 0) break
      const logs = items.flatMap((item) => (item.log === undefined ? [] : [item.log]))
      if (logs.length === 0) break
      await Promise.race(logs.map((log) => log.waitForData(left)))
    }
    return respond(items, maxBytes, context.injectedError)
  },
  errorResponse: (_request, errorCode) => ({ errorCode, sessionId: 0, responses: [] })
}
