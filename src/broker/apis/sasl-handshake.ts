// SaslHandshake (key 17), versions 0-1. Clients that see v1 (KIP-152) send the tokens in
// SaslAuthenticate; the v0 raw-token exchange that follows a v0 handshake is not served. v0 is
// listed because librdkafka requires the range to start at 0 before it will authenticate.
//
// SaslHandshake Request (Version: 1) => mechanism
// SaslHandshake Response (Version: 1) => error_code [mechanisms]

import { ErrorCode } from '../protocol/error-codes.js'
import { array, field } from '../protocol/schema.js'
import { MECHANISMS } from '../sasl/sasl-session.js'
import type { Api } from './api.js'

/** The SaslHandshake API. */
export const saslHandshakeApi: Api = {
  key: 17,
  name: 'SaslHandshake',
  minVersion: 0,
  maxVersion: 1,
  flexibleFrom: 99,
  request: [field('mechanism', 'string')],
  response: [field('errorCode', 'int16'), array('mechanisms', 'string')],
  handle(request, _version, context) {
    const offered = context.sasl.users === undefined ? [] : [...MECHANISMS]
    if (context.injectedError !== undefined) return { errorCode: context.injectedError, mechanisms: offered }
    const ok = context.sasl.choose(request.mechanism as string)
    return { errorCode: ok ? ErrorCode.NONE : ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: offered }
  },
  errorResponse: (_request, errorCode) => ({ errorCode, mechanisms: [] })
}
