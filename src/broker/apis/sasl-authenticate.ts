// SaslAuthenticate (key 36), versions 0-2; flexible from 2 (KIP-152). A failed authentication is
// answered with SASL_AUTHENTICATION_FAILED and the connection is then closed, as Kafka does.
//
// SaslAuthenticate Request (Version: 2) => auth_bytes TAG_BUFFER
// SaslAuthenticate Response (Version: 2) => error_code error_message auth_bytes session_lifetime_ms TAG_BUFFER

import { ErrorCode } from '../protocol/error-codes.js'
import { field } from '../protocol/schema.js'
import type { Api } from './api.js'

/** The SaslAuthenticate API. */
export const saslAuthenticateApi: Api = {
  key: 36,
  name: 'SaslAuthenticate',
  minVersion: 0,
  maxVersion: 2,
  flexibleFrom: 2,
  request: [field('authBytes', 'bytes')],
  response: [
    field('errorCode', 'int16'),
    field('errorMessage', 'string', 0, { nullableFrom: 0 }),
    field('authBytes', 'bytes'),
    field('sessionLifetimeMs', 'int64', 1)
  ],
  handle(request, _version, context) {
    if (context.injectedError !== undefined)
      return { errorCode: context.injectedError, errorMessage: 'injected', authBytes: Buffer.alloc(0) }
    const step = context.sasl.authenticate(request.authBytes as Buffer)
    if ('error' in step) {
      return {
        errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED,
        errorMessage: step.error,
        authBytes: Buffer.alloc(0),
        closeAfter: true
      }
    }
    return { errorCode: ErrorCode.NONE, errorMessage: null, authBytes: step.reply }
  },
  errorResponse: (_request, errorCode) => ({ errorCode, errorMessage: null, authBytes: Buffer.alloc(0) })
}
