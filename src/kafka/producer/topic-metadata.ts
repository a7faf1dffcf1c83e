// Partition counts per topic. A record for a topic not yet known waits (as the Java producer's
// send() blocks in waitOnMetadata) until the brokers answer, for at most max.block.ms; then it
// fails with the Java producer's "not present in metadata" timeout. A known count older than
// metadata.max.age.ms is asked again in the background while records go on with the one known,
// so that partitions added to a topic start to be used, as in Java.

import type { RuleNodeError } from '../../errors.js'
import { KafkaTimeoutError } from '../errors.js'

/** What TopicMetadata needs from the node. */
export interface TopicMetadataOptions<R> {
  readonly maxBlockMs: number
  readonly retryBackoffMs: number
  readonly maxAgeMs: number
  /** The topic's partition count from the brokers (0 when it has none yet); `fresh`: not from a cache. */
  fetch(topic: string, fresh: boolean): Promise<number>
  ready(record: R, partitions: number): void
  failed(record: R, error: RuleNodeError): void
  toError(error: unknown, topic: string): RuleNodeError
}

/** Routes records once their topic's partition count is known. */
export class TopicMetadata<R extends { readonly topic: string }> {
  readonly #partitions = new Map<string, number>()
  readonly #fetchedAt = new Map<string, number>()
  readonly #refreshing = new Set<string>()
  readonly #waiting = new Map<string, R[]>()
  #idle: (() => void)[] = []

  constructor(readonly options: TopicMetadataOptions<R>) {}

  /** Records waiting for metadata. */
  get waiting(): number {
    let count = 0
    for (const list of this.#waiting.values()) count += list.length
    return count
  }

  /** Passes the record on now if its topic is known, else once it is (or fails it). */
  route(record: R): void {
    const partitions = this.#partitions.get(record.topic)
    if (partitions !== undefined) {
      this.#refreshIfOld(record.topic)
      return this.options.ready(record, partitions)
    }
    const list = this.#waiting.get(record.topic)
    if (list !== undefined) {
      list.push(record)
      return
    }
    this.#waiting.set(record.topic, [record])
    void this.#resolve(record.topic)
  }

  /** Calls `use` with the topic's partition count when it is known. */
  partitionsOf(topic: string, use: (partitions: number) => void): void {
    const partitions = this.#partitions.get(topic)
    if (partitions !== undefined) use(partitions)
  }

  /**
   * Drops what is known of `topic` after the brokers said it does not exist (deleted, perhaps
   * being created again with another partition count): later records wait for fresh metadata,
   * as the Java producer's send() waits when its metadata lacks the topic.
   */
  forget(topic: string): void {
    this.#partitions.delete(topic)
    this.#fetchedAt.delete(topic)
  }

  /** Resolves when no record waits for metadata. */
  idle(): Promise<void> {
    if (this.#waiting.size === 0) return Promise.resolve()
    return new Promise((resolve) => this.#idle.push(resolve))
  }

  async #resolve(topic: string): Promise<void> {
    const started = Date.now()
    let last: RuleNodeError | undefined
    for (;;) {
      try {
        // Fresh: the client's cache may still hold a topic that was deleted since.
        const partitions = await this.options.fetch(topic, true)
        if (partitions > 0) {
          this.#partitions.set(topic, partitions)
          this.#fetchedAt.set(topic, Date.now())
          this.#settle(topic, (record) => this.options.ready(record, partitions))
          return
        }
      } catch (error) {
        last = this.options.toError(error, topic)
        // An answer that will not change (an illegal topic name, a refused login) fails at once.
        if (!last.retriable) break
      }
      const left = this.options.maxBlockMs - (Date.now() - started)
      if (left <= 0) break
      await new Promise((resolve) => setTimeout(resolve, Math.min(this.options.retryBackoffMs, left)))
    }
    if (last !== undefined && !last.retriable) {
      const final = last
      this.#settle(topic, (record) => this.options.failed(record, final))
      return
    }
    const error = new KafkaTimeoutError(
      `topic ${topic} not present in metadata after ${this.options.maxBlockMs} ms (max.block.ms)${last === undefined ? '' : `; last error: ${last.message}`}`,
      { topic }
    )
    this.#settle(topic, (record) => this.options.failed(record, error))
  }

  #refreshIfOld(topic: string): void {
    const fetchedAt = this.#fetchedAt.get(topic) ?? 0
    if (Date.now() - fetchedAt < this.options.maxAgeMs || this.#refreshing.has(topic)) return
    this.#refreshing.add(topic)
    this.options.fetch(topic, true).then(
      (partitions) => {
        this.#refreshing.delete(topic)
        this.#fetchedAt.set(topic, Date.now())
        // Kafka only ever adds partitions; an answer with none (a topic being recreated) is ignored.
        if (partitions > 0) this.#partitions.set(topic, partitions)
      },
      () => {
        // The records go on with the count known; the next one after retry.backoff.ms asks again.
        this.#refreshing.delete(topic)
        this.#fetchedAt.set(topic, Date.now() - this.options.maxAgeMs + this.options.retryBackoffMs)
      }
    )
  }

  #settle(topic: string, each: (record: R) => void): void {
    const list = this.#waiting.get(topic) ?? []
    this.#waiting.delete(topic)
    for (const record of list) each(record)
    if (this.#waiting.size === 0) for (const resolve of this.#idle.splice(0)) resolve()
  }
}
