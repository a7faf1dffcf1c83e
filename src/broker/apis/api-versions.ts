// ApiVersions (key 18), versions 0-3; flexible from 3. Its response header is always v0 (KIP-511)
// so that a client that sent a version we don't serve can still read the error and downgrade.
//
// ApiVersions Request (Version: 3) => client_software_name client_software_version TAG_BUFFER
// ApiVersions Response (Version: 3) => error_code [api_keys] throttle_time_ms TAG_BUFFER
//   api_keys => api_key min_version max_version TAG_BUFFER

import { ErrorCode } from '../protocol/error-codes.js'
import { array, field } from '../protocol/schema.js'
import type { Api } from './api.js'

const KEY = 18
const MAX_VERSION = 3

/** Builds the ApiVersions API over the table of every API served. */
export function apiVersionsApi(table: () => readonly Api[]): Api {
  const list = (): { apiKey: number; minVersion: number; maxVersion: number }[] =>
    table().map((api) => ({ apiKey: api.key, minVersion: api.minVersion, maxVersion: api.maxVersion }))
  return {
    key: KEY,
    name: 'ApiVersions',
    minVersion: 0,
    maxVersion: MAX_VERSION,
    flexibleFrom: 3,
    request: [field('clientSoftwareName', 'string', 3), field('clientSoftwareVersion', 'string', 3)],
    response: [
      field('errorCode', 'int16'),
      array('apiKeys', [
        field('apiKey', 'int16'),
        field('minVersion', 'int16'),
        field('maxVersion', 'int16')
      ]),
      field('throttleTimeMs', 'int32', 1)
    ],
    handle: () => ({ errorCode: ErrorCode.NONE, apiKeys: list() }),
    // Kafka's error answer names only ApiVersions' own range (ApiVersionsRequest.getErrorResponse).
    errorResponse: (_request, errorCode) => ({
      errorCode,
      apiKeys: [{ apiKey: KEY, minVersion: 0, maxVersion: MAX_VERSION }]
    })
  }
}
