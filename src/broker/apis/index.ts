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

const served: Api[] = [
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
served.push(apiVersionsApi(() => served))

/** Every API the broker serves, by key; ApiVersions reports this table. */
export const apiTable: ReadonlyMap<number, Api> = new Map(served.map((api) => [api.key, api]))
