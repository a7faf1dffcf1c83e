// Records whose topic's partition count is not known yet wait here (as the Java producer's send()
// blocks in waitOnMetadata) until the brokers answer, for at most max.block.ms; then they fail with
// the Java producer's "not present in metadata" timeout. The count itself lives in the metadata
// cache, which also refreshes it in the background once it is older than metadata.max.age.ms.

import type { RuleNodeError } from '../../errors.js'
import { KafkaTimeoutError } from '../errors.js'
import type { MetadataCache } from './metadata-cache.js'

/** What MetadataWait needs. */
export interface MetadataWaitOptions<R> {
  readonly cache: MetadataCache
  readonly maxBlockMs: number
  readonly retryBackoffMs: number
  ready(record: R, partitions: number): void
  failed(record: R, error: RuleNodeError): void
  toError(error: unknown, topic: string): RuleNodeError
}

/** Routes records once their topic's partition count is known. */
export class MetadataWait<R extends { readonly topic: string }> {
  /** Records waiting, by topic. */
  readonly #waiting = new Map<string, R[]>()
  #idle: (() => void)[] = []

  constructor(readonly options: MetadataWaitOptions<R>) {}

  /** Records waiting for metadata. */
  get waiting(): number {
    let count = 0
    for (const list of this.#waiting.values()) count += list.length
    return count
  }

  /** Passes the record on now if its topic is known, else once it is (or fails it). */
  route(record: R): void {
    const partitions = this.options.cache.partitionsOf(record.topic)
    if (partitions !== undefined) return this.options.ready(record, partitions)
    const list = this.#waiting.get(record.topic)
    if (list !== undefined) {
      list.push(record)
      return
    }
    this.#waiting.set(record.topic, [record])
    void this.#resolve(record.topic)
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
        const partitions = await this.options.cache.fetchPartitions(topic)
        if (partitions > 0) {
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
      { topic },
      { deadline: { kind: 'metadata', maxBlockMs: this.options.maxBlockMs } }
    )
    this.#settle(topic, (record) => this.options.failed(record, error))
  }

  #settle(topic: string, each: (record: R) => void): void {
    const list = this.#waiting.get(topic) ?? []
    this.#waiting.delete(topic)
    for (const record of list) each(record)
    if (this.#waiting.size === 0) for (const resolve of this.#idle.splice(0)) resolve()
  }
}
