// The Java producer's default partitioning (org.apache.kafka.clients.producer.internals
// BuiltInPartitioner / Utils.murmur2): a keyed record goes to (murmur2(key) & 0x7fffffff) % n,
// so that a key lands on the same partition as from any Java client.

const SEED = 0x9747b28c
const M = 0x5bd1e995

/** Kafka's murmur2 (Utils.murmur2) of the first `length` bytes, on 32-bit integer arithmetic. */
export function murmur2(data: Uint8Array, length = data.length): number {
  let h = SEED ^ length
  const blocks = length & ~3
  for (let i = 0; i < blocks; i += 4) {
    let k =
      ((data[i] as number) & 0xff) |
      (((data[i + 1] as number) & 0xff) << 8) |
      (((data[i + 2] as number) & 0xff) << 16) |
      (((data[i + 3] as number) & 0xff) << 24)
    k = Math.imul(k, M)
    k ^= k >>> 24
    k = Math.imul(k, M)
    h = Math.imul(h, M)
    h ^= k
  }
  // Java's switch falls through from the highest remaining byte down.
  const tail = length & 3
  if (tail === 3) h ^= ((data[blocks + 2] as number) & 0xff) << 16
  if (tail >= 2) h ^= ((data[blocks + 1] as number) & 0xff) << 8
  if (tail >= 1) {
    h ^= (data[blocks] as number) & 0xff
    h = Math.imul(h, M)
  }
  h ^= h >>> 13
  h = Math.imul(h, M)
  h ^= h >>> 15
  return h | 0
}

/** The partition of a keyed record: Java's `Utils.toPositive(murmur2(key)) % partitions`. */
export function partitionForKey(key: Uint8Array, partitions: number, length = key.length): number {
  return (murmur2(key, length) & 0x7fffffff) % partitions
}

/** A key's UTF-8 bytes for hashing, in a buffer reused from record to record. */
export class KeyBytes {
  #scratch = Buffer.allocUnsafe(256)

  /** The bytes of `key` (`byteLength` of them) at the start of the returned buffer. */
  of(key: string, byteLength: number): KeyView {
    if (byteLength > this.#scratch.length) this.#scratch = Buffer.allocUnsafe(byteLength * 2)
    this.#scratch.write(key, 0, 'utf8')
    return { bytes: this.#scratch, length: byteLength }
  }
}

/** The first `length` bytes of `bytes`. */
export interface KeyView {
  readonly bytes: Uint8Array
  readonly length: number
}

/**
 * Chooses partitions. Keyed records use murmur2; records without a key go round robin over the
 * partitions, batch by batch: the Java producer's sticky partitioner (KIP-480) keeps a partition
 * until its batch is sent, which the producer reproduces by switching partition when a batch closes.
 */
export class Partitioner {
  readonly #sticky = new Map<string, number>()

  /** The partition for a record of `topic` with `key` (undefined: no key). */
  partition(topic: string, key: KeyView | undefined, partitions: number): number {
    if (key !== undefined) return partitionForKey(key.bytes, partitions, key.length)
    const current = this.#sticky.get(topic)
    if (current !== undefined && current < partitions) return current
    const chosen = Math.floor(Math.random() * partitions)
    this.#sticky.set(topic, chosen)
    return chosen
  }

  /** A batch of `topic` closed on `partition`: keyless records move to the next partition. */
  batchClosed(topic: string, partition: number, partitions: number): void {
    if (this.#sticky.get(topic) === partition) this.#sticky.set(topic, (partition + 1) % partitions)
  }
}
