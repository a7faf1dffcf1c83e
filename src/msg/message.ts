import { randomUUID } from 'node:crypto'
import { parseJsonTree, type JsonNode } from './jackson-json.js'
import { mergeMetadata } from './merge-metadata.js'

/** The entity a message is about, as ThingsBoard's EntityId: `{ entityType, id }`. */
export interface Originator {
  readonly entityType: string
  readonly id: string
}

/** Metadata of a message: always string to string, as ThingsBoard's TbMsgMetaData. */
export type Metadata = Readonly<Record<string, string>>

/** How the data string is to be read (ThingsBoard's TbMsgDataType). */
export type DataType = 'JSON' | 'TEXT' | 'BINARY'

/** The fields of a message, as they appear in JSON. */
export interface MsgFields {
  readonly id: string
  readonly ts: number
  readonly type: string
  readonly originator: Originator
  readonly metadata: Metadata
  readonly dataType: DataType
  readonly data: string
}

const NOT_PARSED = Symbol('not parsed')

/**
 * A rule-engine message (ThingsBoard TbMsg). Immutable: nodes derive new messages with
 * `with` or `withMetadata` and never change the one they were given.
 */
export class TbMsg implements MsgFields {
  readonly id: string
  readonly ts: number
  readonly type: string
  readonly originator: Originator
  readonly metadata: Metadata
  readonly dataType: DataType
  readonly data: string
  // The parsed body is cached because several patterns of one node read the same message.
  #body: unknown = NOT_PARSED
  #tree: JsonNode | undefined | typeof NOT_PARSED = NOT_PARSED

  /** `metadata`, when given, replaces `fields.metadata` (so that a copy needs no fields object). */
  constructor(fields: MsgFields, metadata: Metadata = fields.metadata) {
    this.id = fields.id
    this.ts = fields.ts
    this.type = fields.type
    this.originator = fields.originator
    this.metadata = metadata
    this.dataType = fields.dataType
    this.data = fields.data
  }

  /** Builds a message, filling `id` and `ts` when they are not given. */
  static create(fields: Omit<MsgFields, 'id' | 'ts' | 'dataType'> & Partial<MsgFields>): TbMsg {
    return new TbMsg({
      id: fields.id ?? randomUUID(),
      ts: fields.ts ?? Date.now(),
      type: fields.type,
      originator: fields.originator,
      metadata: fields.metadata,
      dataType: fields.dataType ?? 'JSON',
      data: fields.data
    })
  }

  /** A copy with some fields replaced. */
  with(changes: Partial<MsgFields>): TbMsg {
    // Field by field, not `{ ...this.toJSON(), ...changes }` (see merge-metadata.ts); a change
    // given as undefined still replaces the field, as the spread did.
    return new TbMsg({
      id: 'id' in changes ? (changes.id as string) : this.id,
      ts: 'ts' in changes ? (changes.ts as number) : this.ts,
      type: 'type' in changes ? (changes.type as string) : this.type,
      originator: 'originator' in changes ? (changes.originator as Originator) : this.originator,
      metadata: 'metadata' in changes ? (changes.metadata as Metadata) : this.metadata,
      dataType: 'dataType' in changes ? (changes.dataType as DataType) : this.dataType,
      data: 'data' in changes ? (changes.data as string) : this.data
    })
  }

  /** A copy whose metadata has these entries added or replaced. */
  withMetadata(entries: Record<string, string>): TbMsg {
    // This runs once per message on every Success: the copy is built from this message's fields
    // directly, with no intermediate fields object.
    const copy = new TbMsg(this, mergeMetadata(this.metadata, entries))
    copy.#body = this.#body
    copy.#tree = this.#tree
    return copy
  }

  /**
   * The data parsed as JSON, or undefined when it is not JSON. Parsed at most once per message.
   */
  body(): unknown {
    if (this.#body === NOT_PARSED) {
      try {
        this.#body = JSON.parse(this.data)
      } catch {
        this.#body = undefined
      }
    }
    return this.#body
  }

  /**
   * The data as ThingsBoard's Jackson reads it (member order kept, numbers as Java prints them,
   * text after the first value ignored), or undefined when it is not JSON. Parsed at most once.
   */
  tree(): JsonNode | undefined {
    if (this.#tree === NOT_PARSED) this.#tree = parseJsonTree(this.data)
    return this.#tree
  }

  /** The plain JSON form: `{ id, ts, type, originator, metadata, dataType, data }`. */
  toJSON(): MsgFields {
    return {
      id: this.id,
      ts: this.ts,
      type: this.type,
      originator: this.originator,
      metadata: this.metadata,
      dataType: this.dataType,
      data: this.data
    }
  }
}
