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

/** Every topic of the broker. */
export class TopicStore {
  readonly topics = new Map<string, Topic>()
  readonly #files: number[] = []

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
    const index = JSON.parse(readFileSync(indexPath, 'utf8')) as {
      name: string
      id: string
      partitions: number
    }[]
    for (const entry of index) {
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
          log.restore(Buffer.from(data.subarray(at, end)))
          at = end
        }
      })
    }
  }
}
