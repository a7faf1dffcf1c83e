// The producer's one cache of cluster metadata (franz-go's topics_and_partitions): per topic the
// partition count records are partitioned over and each partition's leader, and every broker seen.
// Both are asked with fresh (forceUpdate) metadata requests that let the brokers auto-create the
// topic, as the Java producer asks. They age separately, as in Java: the partition count is
// refreshed in the background after metadata.max.age.ms while records go on with the one known
// (so that partitions added to a topic start to be used); a leader is refreshed likewise, and
// forgotten at once when a failure proves it stale (metadata.requestUpdate() on
// NOT_LEADER_OR_FOLLOWER or a disconnect), so that its next batch asks where the partition is now.

import { isUnknownTopic, type Broker, type KafkaClient } from '../client.js'

/** What is known of one topic. */
interface TopicEntry {
  /** The partition count records are partitioned over; undefined until known (or after forgetting). */
  partitions: number | undefined
  partitionsAt: number
  refreshingPartitions: boolean
  /** The leader's node id by partition; undefined: not asked yet, or the topic was not there. */
  leaders: (number | undefined)[] | undefined
  leadersAt: number
  refreshingLeaders: boolean
}

/** What the cache needs. */
export interface MetadataCacheOptions {
  readonly client: KafkaClient
  /** metadata.max.age.ms: how long counts and leaders are trusted without asking again. */
  readonly maxAgeMs: number
  /** retry.backoff.ms: after a failed background refresh, the next one waits this long. */
  readonly retryBackoffMs: number
  /** The brokers answered a metadata request (for reachability). */
  readonly answered?: () => void
}

/** Partition counts, partition leaders and brokers, as last asked. */
export class MetadataCache {
  readonly client: KafkaClient
  readonly maxAgeMs: number
  readonly retryBackoffMs: number
  readonly #answered: () => void
  readonly #topics = new Map<string, TopicEntry>()
  /** Every broker seen in metadata, by node id. */
  readonly #brokers = new Map<number, Broker>()

  constructor(options: MetadataCacheOptions) {
    this.client = options.client
    this.maxAgeMs = options.maxAgeMs
    this.retryBackoffMs = options.retryBackoffMs
    this.#answered = options.answered ?? (() => {})
  }

  #entry(topic: string): TopicEntry {
    let entry = this.#topics.get(topic)
    if (entry === undefined) {
      entry = {
        partitions: undefined,
        partitionsAt: 0,
        refreshingPartitions: false,
        leaders: undefined,
        leadersAt: 0,
        refreshingLeaders: false
      }
      this.#topics.set(topic, entry)
    }
    return entry
  }

  /**
   * The topic's partition count as known, or undefined. A count older than metadata.max.age.ms is
   * asked again in the background; the known one is returned meanwhile.
   */
  partitionsOf(topic: string): number | undefined {
    const entry = this.#topics.get(topic)
    if (entry?.partitions === undefined) return undefined
    if (Date.now() - entry.partitionsAt >= this.maxAgeMs && !entry.refreshingPartitions) {
      entry.refreshingPartitions = true
      this.fetchPartitions(topic).then(
        () => {
          entry.refreshingPartitions = false
        },
        () => {
          // The records go on with the count known; the next one after retry.backoff.ms asks again.
          entry.refreshingPartitions = false
          entry.partitionsAt = Date.now() - this.maxAgeMs + this.retryBackoffMs
        }
      )
    }
    return entry.partitions
  }

  /** The partition count as known, without asking again (for the sticky partitioner). */
  knownPartitions(topic: string): number | undefined {
    return this.#topics.get(topic)?.partitions
  }

  /**
   * Asks the brokers for the topic's partition count now: 0 when it has none yet (not there, or
   * being created). A positive answer becomes the count in use; Kafka only ever adds partitions,
   * and an answer with none (a topic being recreated) leaves the known count alone.
   */
  async fetchPartitions(topic: string): Promise<number> {
    let partitions = 0
    try {
      const metadata = await this.client.metadata({
        topics: [topic],
        autocreateTopics: true,
        forceUpdate: true
      })
      partitions = metadata.topics.get(topic)?.partitionsCount ?? 0
    } catch (error) {
      if (!isUnknownTopic(error)) throw error
    }
    this.#answered()
    const entry = this.#entry(topic)
    entry.partitionsAt = Date.now()
    if (partitions > 0) entry.partitions = partitions
    return partitions
  }

  /**
   * Drops the partition count of `topic` after the brokers said it does not exist (deleted,
   * perhaps being created again with another partition count): later records wait for fresh
   * metadata, as the Java producer's send() waits when its metadata lacks the topic.
   */
  forgetPartitions(topic: string): void {
    const entry = this.#topics.get(topic)
    if (entry === undefined) return
    entry.partitions = undefined
    entry.partitionsAt = 0
  }

  /**
   * The partition's leader as last known, -1 when not known (its batches' request asks). Leaders
   * older than metadata.max.age.ms are asked again in the background while the known one is used.
   */
  leaderOf(topic: string, partition: number): number {
    const entry = this.#topics.get(topic)
    if (entry?.leaders === undefined) return -1
    if (Date.now() - entry.leadersAt >= this.maxAgeMs && !entry.refreshingLeaders) {
      entry.refreshingLeaders = true
      this.fetchLeaders([topic])
        .catch(() => {
          // Asked again by the next batch after the cache's age: a failed refresh keeps what is known.
          entry.leadersAt = Date.now()
        })
        .finally(() => (entry.refreshingLeaders = false))
    }
    return entry.leaders[partition] ?? -1
  }

  /** Whether the partition's leader is known and younger than metadata.max.age.ms. */
  hasFreshLeader(topic: string, partition: number, now: number): boolean {
    const entry = this.#topics.get(topic)
    return (
      entry?.leaders !== undefined &&
      now - entry.leadersAt < this.maxAgeMs &&
      entry.leaders[partition] !== undefined
    )
  }

  /** The partition's leader and its broker, if both are known; `known`: whether the topic is. */
  leaderBroker(
    topic: string,
    partition: number
  ): { known: boolean; leader: number | undefined; broker: Broker | undefined } {
    const leaders = this.#topics.get(topic)?.leaders
    const leader = leaders?.[partition]
    return {
      known: leaders !== undefined,
      leader,
      broker: leader === undefined ? undefined : this.#brokers.get(leader)
    }
  }

  /** The broker with node id `id`, if seen. */
  broker(id: number): Broker | undefined {
    return this.#brokers.get(id)
  }

  /** Fresh leaders of the topics into the cache; a topic not there (deleted, not yet created) has none. */
  async fetchLeaders(topics: string[]): Promise<void> {
    const now = Date.now()
    const metadata = await this.client
      .metadata({ topics, autocreateTopics: true, forceUpdate: true })
      .catch((error: unknown) => {
        // A topic gone (deleted) or not there yet: its batches wait for a leader, as in Java.
        if (!isUnknownTopic(error)) throw error
        for (const topic of topics) {
          const entry = this.#topics.get(topic)
          if (entry !== undefined) entry.leaders = undefined
        }
        return undefined
      })
    if (metadata === undefined) return
    for (const [id, broker] of metadata.brokers) this.#brokers.set(id, broker)
    for (const topic of topics) {
      const partitions = metadata.topics.get(topic)?.partitions
      if (partitions === undefined) continue
      const entry = this.#entry(topic)
      entry.leadersAt = now
      entry.leaders = Array.from({ length: partitions.length }, (_, p) => partitions[p]?.leader)
    }
  }

  /** Forgets the partition's leader (a failure proved it stale). */
  forgetLeader(topic: string, partition: number): void {
    const leaders = this.#topics.get(topic)?.leaders
    if (leaders !== undefined) leaders[partition] = undefined
  }

  /** Forgets every partition led by one of `brokers` (they could not be reached). */
  forgetLeadersOn(brokers: ReadonlySet<number>): void {
    for (const entry of this.#topics.values())
      entry.leaders?.forEach((id, p, leaders) => {
        if (id !== undefined && brokers.has(id)) leaders[p] = undefined
      })
  }
}
