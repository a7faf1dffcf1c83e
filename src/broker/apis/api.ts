import type { Schema, Struct } from '../protocol/schema.js'
import type { TopicStore } from '../log/topic-store.js'
import type { GroupCoordinator } from '../groups/group-coordinator.js'
import type { SaslSession } from '../sasl/sasl-session.js'

/** What a request handler may use: the broker's state and this connection's. */
export interface RequestContext {
  readonly store: TopicStore
  readonly groups: GroupCoordinator
  /** The address clients are told to connect to (Metadata, FindCoordinator). */
  readonly advertised: { readonly host: string; readonly port: number }
  readonly maxMessageBytes: number
  /** A new producer id (InitProducerId). */
  nextProducerId(): bigint
  /** The client id of the request's header. */
  readonly clientId: string | null
  /** This connection's SASL state. */
  readonly sasl: SaslSession
  /** An error code a test asked this request to fail with (fault injection), or undefined. */
  readonly injectedError: number | undefined
  /** Set once the connection is closing: long polls end early. */
  readonly closed: () => boolean
}

/** One API the broker serves: its grammar per version and its handler. */
export interface Api {
  readonly key: number
  readonly name: string
  readonly minVersion: number
  readonly maxVersion: number
  /** The first flexible version (KIP-482); 99 when none is served. */
  readonly flexibleFrom: number
  readonly request: Schema
  readonly response: Schema
  /** The response, or null when none is sent (Produce with acks 0). */
  handle(request: Struct, version: number, context: RequestContext): Struct | null | Promise<Struct | null>
  /** A response that reports `errorCode` for everything the request asked about. */
  errorResponse(request: Struct, errorCode: number): Struct
}
