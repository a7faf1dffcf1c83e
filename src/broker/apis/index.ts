import type { Api } from './api.js'
import { apiVersionsApi } from './api-versions.js'
import { createTopicsApi } from './create-topics.js'
import { fetchApi } from './fetch.js'
import { findCoordinatorApi } from './find-coordinator.js'
import { heartbeatApi } from './heartbeat.js'
import { initProducerIdApi } from './init-producer-id.js'
import { joinGroupApi } from './join-group.js'
import { leaveGroupApi } from './leave-group.js'
import { listOffsetsApi } from './list-offsets.js'
import { metadataApi } from './metadata.js'
import { offsetCommitApi } from './offset-commit.js'
import { offsetFetchApi } from './offset-fetch.js'
import { produceApi } from './produce.js'
import { saslAuthenticateApi } from './sasl-authenticate.js'
import { saslHandshakeApi } from './sasl-handshake.js'
import { syncGroupApi } from './sync-group.js'

const served: readonly Api[] = [
  produceApi,
  fetchApi,
  listOffsetsApi,
  metadataApi,
  offsetCommitApi,
  offsetFetchApi,
  findCoordinatorApi,
  joinGroupApi,
  heartbeatApi,
  leaveGroupApi,
  syncGroupApi,
  saslHandshakeApi,
  createTopicsApi,
  initProducerIdApi,
  saslAuthenticateApi
]

/**
 * Every API the broker serves, by key; ApiVersions reports this table. `maxVersions` caps APIs by
 * name (e.g. `{ Produce: 7 }`), so that the broker can stand in for an older Kafka.
 */
export function apiTable(maxVersions: Readonly<Record<string, number>> = {}): ReadonlyMap<number, Api> {
  const table: Api[] = served.map((api) => {
    const cap = maxVersions[api.name]
    if (cap === undefined) return api
    if (cap < api.minVersion)
      throw new RangeError(`${api.name} is served from v${api.minVersion}; it cannot be capped at v${cap}`)
    return { ...api, maxVersion: Math.min(api.maxVersion, cap) }
  })
  table.push(apiVersionsApi(() => table))
  return new Map(table.map((api) => [api.key, api]))
}
