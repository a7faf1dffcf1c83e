// The broker's topics: created on demand with the configured partition count, in memory, or
// with `dataDir` appended to one file per partition and read back at start.

import { randomBytes } from 'node:crypto'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { PartitionLog } from './partition-log.js'
import { BATCH } from './record-batch.js'

/** A topic: its id (for Metadata v10+) and partitions. */
export interface Topic {
  readonly name: string
  readonly id: string
  readonly partitions: PartitionLog[]
}

// The protocol's legal topic names (Kafka's Topic.validate).
const LEGAL = /^[a-zA-Z0-9._-]{1,249}$/

/** Why `name` is not a legal topic name, or undefined. */
export function topicNameProblem(name: string): string | undefined {
  if (!LEGAL.test(name) || name === '.' || name === '..')
    return `topic name ${JSON.stringify(name)} is not legal: 1-249 of [a-zA-Z0-9._-], not "." or ".."`
  return undefined
}

/** The data directory cannot be read back: names the file and what is wrong with it. */
export class BrokerDataError extends Error {
  override name = 'BrokerDataError'
}

interface IndexEntry {
  readonly name: string
  readonly id: string
  readonly partitions: number
}

// Reads topics.json, the index #saveIndex writes; anything else in it is reported, never guessed at.
function readIndex(path: string): IndexEntry[] {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new BrokerDataError(`cannot read ${path}: ${(error as Error).message}`)
  }
  let index: unknown
  try {
    index = JSON.parse(text)
  } catch (error) {
    throw new BrokerDataError(`${path} is not JSON: ${(error as Error).message}`)
  }
  const shape = 'a JSON array of {"name", "id", "partitions"}'
  if (!Array.isArray(index)) throw new BrokerDataError(`${path} must be ${shape}`)
  return index.map((entry: unknown, i) => {
    const where = `${path}: entry ${i}`
    if (typeof entry !== 'object' || entry === null)
      throw new BrokerDataError(`${where} must be an object, as in ${shape}`)
    const { name, id, partitions } = entry as Record<string, unknown>
    if (typeof name !== 'string' || topicNameProblem(name) !== undefined)
      throw new BrokerDataError(`${where}: name ${JSON.stringify(name)} is not a legal topic name`)
    if (typeof id !== 'string' || !/^[0-9a-f]{32}$/.test(id))
      throw new BrokerDataError(`${where}: id ${JSON.stringify(id)} is not 32 hex digits`)
    if (typeof partitions !== 'number' || !Number.isInteger(partitions) || partitions < 1)
      throw new BrokerDataError(
        `${where}: partitions ${JSON.stringify(partitions)} is not a positive integer`
      )
    return { name, id, partitions }
  })
}

/** Every topic of the broker. */
export class TopicStore {
  readonly topics = new Map<string, Topic>()
  readonly #files: number[] = []
  /** The highest producer id in the batches read back at start (-1 when none). */
  maxRestoredProducerId = -1n

  constructor(
    readonly defaultPartitions: number,
    readonly dataDir?: string
  ) {
    if (dataDir !== undefined) this.#load(dataDir)
  }

  /** The topic, created with `partitions` (default: the broker's) when it does not exist. */
  getOrCreate(name: string, partitions = this.defaultPartitions): Topic {
    return this.topics.get(name) ?? this.create(name, partitions)
  }

  /** Creates a topic; the caller checked that it does not exist and that the name is legal. */
  create(name: string, partitions: number, id = randomBytes(16).toString('hex')): Topic {
    const logs: PartitionLog[] = []
    for (let p = 0; p < partitions; p++) logs.push(new PartitionLog(this.#appender(name, p)))
    const topic = { name, id, partitions: logs }
    this.topics.set(name, topic)
    if (this.dataDir !== undefined) this.#saveIndex(this.dataDir)
    return topic
  }

  /** Grows a topic to `total` partitions (Kafka only ever adds them); false when it has none to add. */
  addPartitions(name: string, total: number): boolean {
    const topic = this.topics.get(name)
    if (topic === undefined || total <= topic.partitions.length) return false
    for (let p = topic.partitions.length; p < total; p++)
      topic.partitions.push(new PartitionLog(this.#appender(name, p)))
    if (this.dataDir !== undefined) this.#saveIndex(this.dataDir)
    return true
  }

  /** The topic with this id (Fetch v13+), if any. */
  byId(id: string): Topic | undefined {
    for (const topic of this.topics.values()) if (topic.id === id) return topic
    return undefined
  }

  /** Closes the partition files. */
  close(): void {
    for (const fd of this.#files.splice(0)) closeSync(fd)
  }

  #appender(name: string, partition: number): ((bytes: Buffer) => void) | undefined {
    if (this.dataDir === undefined) return undefined
    const fd = openSync(join(this.dataDir, `${name}-${partition}.log`), 'a')
    this.#files.push(fd)
    // Synchronous, so that an acknowledged batch is in the file before the answer goes out.
    return (bytes) => void writeSync(fd, bytes)
  }

  #saveIndex(dir: string): void {
    const index = [...this.topics.values()].map((t) => ({
      name: t.name,
      id: t.id,
      partitions: t.partitions.length
    }))
    writeFileSync(join(dir, 'topics.json'), JSON.stringify(index))
  }

  #load(dir: string): void {
    mkdirSync(dir, { recursive: true })
    const indexPath = join(dir, 'topics.json')
    if (!existsSync(indexPath)) return
    for (const entry of readIndex(indexPath)) {
      const topic = this.create(entry.name, entry.partitions, entry.id)
      topic.partitions.forEach((log, p) => {
        const path = join(dir, `${entry.name}-${p}.log`)
        if (!existsSync(path)) return
        const data = readFileSync(path)
        let at = 0
        // A batch cut short by a crash is the end of the log.
        while (at + BATCH.headerSize <= data.length) {
          const end = at + 12 + data.readInt32BE(at + BATCH.batchLength)
          if (end > data.length) break
          const producerId = data.readBigInt64BE(at + BATCH.producerId)
          if (producerId > this.maxRestoredProducerId) this.maxRestoredProducerId = producerId
          log.restore(Buffer.from(data.subarray(at, end)))
          at = end
        }
      })
    }
  }
}
