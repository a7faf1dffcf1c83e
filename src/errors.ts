/** Context that an error can carry so that a reader knows where it happened. */
export interface ErrorContext {
  topic?: string
  partition?: number
  broker?: string
  /** The broker's node id a request went to (-1: not known), as Java names it ("node 1"). */
  brokerId?: number
  node?: string
  field?: string
  line?: number
}

/**
 * Base of every error this project throws on purpose. `code` is stable for programs,
 * `retriable` decides retries (never the message text), the message says what to do.
 */
export class RuleNodeError extends Error {
  readonly code: string
  readonly retriable: boolean
  readonly context: ErrorContext

  constructor(
    message: string,
    options: { code: string; retriable?: boolean; context?: ErrorContext; cause?: unknown }
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.code = options.code
    this.retriable = options.retriable ?? false
    this.context = options.context ?? {}
  }
}

/** A node or chain configuration that cannot be used; names the field, the value and what is allowed. */
export class ConfigError extends RuleNodeError {
  constructor(message: string, context: ErrorContext = {}) {
    super(message, { code: 'CONFIG', context })
  }
}

/** An input message that does not follow the TbMsg model. */
export class MessageError extends RuleNodeError {
  constructor(message: string, context: ErrorContext = {}) {
    super(message, { code: 'MESSAGE', context })
  }
}

/** A rule chain export that cannot be loaded. */
export class ChainLoadError extends RuleNodeError {
  constructor(message: string, options: { context?: ErrorContext; cause?: unknown } = {}) {
    super(message, { code: 'CHAIN_LOAD', ...options })
  }
}

/** A service that cannot start, e.g. an HTTP port that cannot be bound; names the address and why. */
export class ServiceError extends RuleNodeError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: 'SERVICE', ...options })
  }
}

/**
 * A rule-node script that cannot be compiled, threw, ran out of time or returned what its node
 * cannot use. The message says which, in the script's own terms (`TypeError: ... (line 3)`).
 */
export class ScriptError extends RuleNodeError {
  constructor(message: string, context: ErrorContext = {}) {
    super(message, { code: 'SCRIPT', context })
  }
}

/** A message the durable spool refused because it holds its maximum of bytes already; retry later. */
export class SpoolFullError extends RuleNodeError {
  constructor(maxBytes: number) {
    super(`the spool is full (${maxBytes} bytes of messages not yet delivered)`, {
      code: 'SPOOL_FULL',
      retriable: true
    })
  }
}

/** A command line that cannot be run as given. */
export class UsageError extends RuleNodeError {
  constructor(message: string) {
    super(message, { code: 'USAGE' })
  }
}

/** Formats an error the way ThingsBoard writes it into Failure metadata: `<ErrorClass>: <message>`. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name || error.constructor.name}: ${error.message}`
  return `Error: ${String(error)}`
}
