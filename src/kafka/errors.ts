// What can go wrong when publishing, as errors of our own: the broker's error code (by its
// protocol name), a connection that failed, a deadline that passed, a record too large. Whether
// to retry is decided by the `retriable` flag, read from the client's typed errors, never text.

import { RuleNodeError, describeError, type ErrorContext } from '../errors.js'
import { isClientTimeout } from './client.js'

/** The codes of the errors the producer makes itself; a broker's own error keeps its protocol name. */
export const ProducerErrorCodes = {
  CONNECTION: 'CONNECTION',
  SSL_AUTHENTICATION: 'SSL_AUTHENTICATION',
  TIMEOUT: 'TIMEOUT',
  RECORD_TOO_LARGE: 'RECORD_TOO_LARGE',
  PRODUCER_CLOSED: 'PRODUCER_CLOSED',
  LEADER_NOT_AVAILABLE: 'LEADER_NOT_AVAILABLE',
  UNKNOWN_TOPIC_OR_PARTITION: 'UNKNOWN_TOPIC_OR_PARTITION',
  /** Something else from the client library (a bad option, an unsupported feature). */
  CLIENT: 'CLIENT',
  INVALID_RESPONSE: 'INVALID_RESPONSE',
  UNSUPPORTED_VERSION: 'UNSUPPORTED_VERSION',
  /** A record batch asked of the encoder that it cannot make (no records, headers without a codec). */
  INVALID_BATCH: 'INVALID_BATCH'
} as const

/** A code of ProducerErrorCodes. */
export type ProducerErrorCode = (typeof ProducerErrorCodes)[keyof typeof ProducerErrorCodes]

/**
 * A Kafka error code by its protocol name (NOT_LEADER_OR_FOLLOWER, ...), `error N` for one the
 * client does not name, or one of ProducerErrorCodes for what the producer reports itself.
 */
export type BrokerErrorCode = string

/** The broker answered with a Kafka error code (e.g. NOT_LEADER_OR_FOLLOWER). */
export class KafkaBrokerError extends RuleNodeError {
  declare readonly code: BrokerErrorCode
  /** The broker's own error message for this code, when it sent one (Produce v8+, SASL). */
  readonly serverMessage: string | undefined

  constructor(
    message: string,
    options: {
      code: string
      retriable: boolean
      context: ErrorContext
      cause?: unknown
      serverMessage?: string | undefined
    }
  ) {
    super(message, options)
    this.serverMessage = options.serverMessage
  }
}

/**
 * A batch was not sent because its partition has no leader known yet (a topic being created, a
 * leader being elected, a topic unknown after deletion). The Java producer keeps such a batch in
 * its accumulator without counting an attempt until metadata names a leader, so `retries` 0 (the
 * ThingsBoard default) does not fail it; only delivery.timeout.ms does.
 */
export class LeaderUnknownError extends RuleNodeError {
  declare readonly code: 'LEADER_NOT_AVAILABLE' | 'UNKNOWN_TOPIC_OR_PARTITION'

  constructor(
    message: string,
    code: 'LEADER_NOT_AVAILABLE' | 'UNKNOWN_TOPIC_OR_PARTITION',
    context: ErrorContext
  ) {
    super(message, { code, retriable: true, context })
  }
}

/** The broker could not be reached, or the connection broke. */
export class KafkaConnectionError extends RuleNodeError {
  declare readonly code: typeof ProducerErrorCodes.CONNECTION
  /** The request got no answer within request.timeout.ms (rather than a connection that failed). */
  readonly timedOut: boolean

  constructor(
    message: string,
    context: ErrorContext,
    details: { readonly cause?: unknown; readonly timedOut?: boolean } = {}
  ) {
    super(message, { code: ProducerErrorCodes.CONNECTION, retriable: true, context, cause: details.cause })
    this.timedOut = details.timedOut ?? false
  }
}

/**
 * The TLS handshake failed: a certificate not trusted or not for the host, or the broker refused
 * ours (a listener that requires a client certificate). As the Java producer's
 * SslAuthenticationException, it is final: the records waiting fail at once instead of retrying
 * until max.block.ms or delivery.timeout.ms, since only a change of configuration can fix it.
 */
export class KafkaTlsError extends RuleNodeError {
  declare readonly code: typeof ProducerErrorCodes.SSL_AUTHENTICATION

  constructor(message: string, context: ErrorContext, cause?: unknown) {
    super(message, { code: ProducerErrorCodes.SSL_AUTHENTICATION, retriable: false, context, cause })
  }
}

/** Which deadline passed: a topic's metadata (max.block.ms) or a batch's delivery (delivery.timeout.ms). */
export type Deadline =
  | { readonly kind: 'metadata'; readonly maxBlockMs: number }
  | { readonly kind: 'delivery'; readonly records: number; readonly elapsedMs: number }

/** A record was not delivered within delivery.timeout.ms, or its topic's metadata within max.block.ms. */
export class KafkaTimeoutError extends RuleNodeError {
  declare readonly code: typeof ProducerErrorCodes.TIMEOUT
  readonly deadline: Deadline | undefined

  constructor(
    message: string,
    context: ErrorContext,
    details: { readonly cause?: unknown; readonly deadline?: Deadline } = {}
  ) {
    super(message, { code: ProducerErrorCodes.TIMEOUT, retriable: false, context, cause: details.cause })
    this.deadline = details.deadline
  }
}

/** A record larger than max.request.size or buffer.memory: it can never be sent. */
export class RecordTooLargeError extends RuleNodeError {
  declare readonly code: typeof ProducerErrorCodes.RECORD_TOO_LARGE
  /** The record's size as the Java producer estimates it, and the property it exceeds. */
  readonly size: number | undefined
  readonly limit: 'max.request.size' | 'buffer.memory' | undefined
  readonly limitBytes: number | undefined

  constructor(
    message: string,
    context: ErrorContext,
    facts?: { size: number; limit: 'max.request.size' | 'buffer.memory'; limitBytes: number }
  ) {
    super(message, { code: ProducerErrorCodes.RECORD_TOO_LARGE, retriable: false, context })
    this.size = facts?.size
    this.limit = facts?.limit
    this.limitBytes = facts?.limitBytes
  }
}

/** The producer was stopped before the record could be sent. */
export class ProducerClosedError extends RuleNodeError {
  declare readonly code: typeof ProducerErrorCodes.PRODUCER_CLOSED

  constructor(message: string, context: ErrorContext) {
    super(message, { code: ProducerErrorCodes.PRODUCER_CLOSED, retriable: false, context })
  }
}

/** Every error the producer reports, told apart by class and `code`. */
export type ProducerError =
  | KafkaBrokerError
  | LeaderUnknownError
  | KafkaConnectionError
  | KafkaTlsError
  | KafkaTimeoutError
  | RecordTooLargeError
  | ProducerClosedError

interface ClientErrorShape {
  readonly code?: unknown
  readonly message?: unknown
  readonly apiId?: unknown
  readonly apiCode?: unknown
  readonly canRetry?: unknown
  readonly serverErrorMessage?: unknown
  readonly errors?: unknown
  readonly cause?: unknown
}

function flatten(error: unknown, out: ClientErrorShape[] = []): ClientErrorShape[] {
  if (typeof error !== 'object' || error === null) return out
  const shaped = error as ClientErrorShape
  out.push(shaped)
  if (Array.isArray(shaped.errors)) for (const inner of shaped.errors) flatten(inner, out)
  // The root cause (a TLS or socket error) says what the user must fix; keep it reachable.
  if (shaped.cause !== undefined && out.length < 20) flatten(shaped.cause, out)
  return out
}

/** Turns an error from @platformatic/kafka into ours, keeping the broker's error code and the retry decision. */
export function fromClientError(error: unknown, context: ErrorContext): RuleNodeError {
  if (error instanceof RuleNodeError) return error
  const all = flatten(error)
  const protocol = all.find((e) => typeof e.apiCode === 'number')
  if (protocol !== undefined) {
    const name = typeof protocol.apiId === 'string' ? protocol.apiId : `error ${String(protocol.apiCode)}`
    return new KafkaBrokerError(
      `broker answered ${name} (${String(protocol.apiCode)}) for ${where(context)}: ${String(protocol.message)}`,
      {
        code: name,
        retriable: protocol.canRetry === true,
        context,
        cause: error,
        serverMessage:
          typeof protocol.serverErrorMessage === 'string' ? protocol.serverErrorMessage : undefined
      }
    )
  }
  const network = all.find((e) => e.code === 'PLT_KFK_NETWORK' || e.code === 'PLT_KFK_TIMEOUT')
  const detail = firstAndLast(all, error)
  if (all.some((e) => isTlsFailure(e.code)))
    return new KafkaTlsError(
      `TLS handshake with ${context.broker ?? 'the brokers'} failed for ${where(context)}: ${detail}`,
      context,
      error
    )
  if (network !== undefined || all.length > 1) {
    return new KafkaConnectionError(
      `cannot produce to ${where(context)} on ${context.broker ?? 'the brokers'}: ${detail}`,
      context,
      { cause: error, timedOut: all.some(isClientTimeout) }
    )
  }
  // Anything else from the client (a bad option, an unsupported feature) will not get better on retry.
  return new KafkaBrokerError(`producing to ${where(context)} failed: ${detail}`, {
    code: ProducerErrorCodes.CLIENT,
    retriable: false,
    context,
    cause: error
  })
}

// The outermost message and the root cause's, e.g. "Connection to h:p failed.: certificate has expired".
function firstAndLast(all: readonly ClientErrorShape[], error: unknown): string {
  const messages = all.map((e) => e.message).filter((m): m is string => typeof m === 'string' && m !== '')
  return messages.length === 0 ? String(error) : [...new Set([messages[0], messages.at(-1)])].join(': ')
}

/**
 * What is behind an error of the client when it is the broker's refusal or a failed TLS
 * handshake (a wrong password, an untrusted certificate), which its outermost message ("Cannot
 * connect to any broker.") hides; undefined otherwise. Neither the client nor the broker quotes
 * a credential in these messages.
 */
export function clientErrorReason(error: unknown): string | undefined {
  if (error instanceof RuleNodeError) return undefined
  const all = flatten(error)
  const protocol = all.find((e) => typeof e.apiCode === 'number')
  if (protocol !== undefined) {
    const name = typeof protocol.apiId === 'string' ? protocol.apiId : `error ${String(protocol.apiCode)}`
    const said =
      typeof protocol.serverErrorMessage === 'string' && protocol.serverErrorMessage !== ''
        ? protocol.serverErrorMessage
        : String(protocol.message)
    return `broker answered ${name} (${String(protocol.apiCode)}): ${said}`
  }
  if (all.some((e) => isTlsFailure(e.code))) return `TLS handshake failed: ${firstAndLast(all, error)}`
  return undefined
}

/** The error as describeError gives it, and what is behind it when the broker or TLS refused (clientErrorReason). */
export function describeClientError(error: unknown): string {
  const reason = clientErrorReason(error)
  return reason === undefined ? describeError(error) : `${describeError(error)} (${reason})`
}

// OpenSSL's certificate verification results, as Node reports them in `code`.
const CERTIFICATE_REJECTED = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID'
])

// A certificate refused by us, or an alert or protocol failure from OpenSSL (ERR_SSL_*: the broker
// refused our certificate or its absence, a listener that does not speak TLS): what Java reports
// as an SslAuthenticationException (any SSLException during the handshake).
function isTlsFailure(code: unknown): boolean {
  return typeof code === 'string' && (CERTIFICATE_REJECTED.has(code) || code.startsWith('ERR_SSL_'))
}

/** `topic t partition p`, for messages. */
export function where(context: ErrorContext): string {
  if (context.topic === undefined) return 'the topic'
  return context.partition === undefined
    ? `topic ${context.topic}`
    : `topic ${context.topic} partition ${context.partition}`
}
