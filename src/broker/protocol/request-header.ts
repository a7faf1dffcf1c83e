// Request Header v1 (int16 api_key, int16 api_version, int32 correlation_id, nullable string
// client_id) and v2 (v1 + TAG_BUFFER) for flexible versions (KIP-482). The client id stays a
// classic nullable string even in v2.

import type { Reader } from './reader.js'

/** The header of one request. */
export interface RequestHeader {
  readonly apiKey: number
  readonly apiVersion: number
  readonly correlationId: number
  readonly clientId: string | null
}

/** Reads the fixed part of a request header (everything up to the tag buffer). */
export function readRequestHeader(reader: Reader): RequestHeader {
  const apiKey = reader.int16()
  const apiVersion = reader.int16()
  const correlationId = reader.int32()
  const clientId = reader.string(false)
  return { apiKey, apiVersion, correlationId, clientId }
}
