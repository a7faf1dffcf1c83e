import assert from 'node:assert/strict'
import type { TestContext } from 'node:test'
import { createTopicsApi } from '../../src/broker/apis/create-topics.js'
import { initProducerIdApi } from '../../src/broker/apis/init-producer-id.js'
import { metadataApi } from '../../src/broker/apis/metadata.js'
import { produceApi } from '../../src/broker/apis/produce.js'
import { apiVersionsApi } from '../../src/broker/apis/api-versions.js'
import type { Struct } from '../../src/broker/protocol/schema.js'
import { encodeRecordBatch, type ProducerStamp } from '../../src/kafka/producer/record-batch.js'
import { plainRecord } from '../helpers/batch-records.js'
import { eachBroker, type BrokerTarget } from '../helpers/broker-targets.js'
import { uniqueTopic } from '../helpers/broker.js'
import { RawConnection, decodeResponse } from '../helpers/raw-kafka.js'

// The same hand-made requests go to the development broker and to Apache Kafka; each test asserts
// Kafka's answer, so the development broker passes only where it answers the same. Apache Kafka
// here auto-creates topics with num.partitions=1; the development broker is set up the same.
const parity = (name: string, body: (t: TestContext, target: BrokerTarget) => Promise<void>): void =>
  eachBroker(name, body, { partitions: 1 })

const record = (value: string, timestamp = Date.now()) => plainRecord(value, timestamp)

const batchOf = (values: string[], producer?: ProducerStamp): Buffer =>
  encodeRecordBatch(
    values.map((v) => record(v)),
    'none',
    producer
  )

const metadataRequest = (names: string[], allowAutoTopicCreation: boolean): Struct => ({
  topics: names.map((name) => ({ topicId: '0', name })),
  allowAutoTopicCreation,
  includeTopicAuthorizedOperations: false
})

const produceRequest = (topic: string, records: Buffer, acks = -1, partition = 0): Struct => ({
  transactionalId: null,
  acks,
  timeoutMs: 5000,
  topicData: [{ name: topic, partitionData: [{ index: partition, records }] }]
})

/** The one partition answer of a Produce response. */
const partitionAnswer = (response: Struct): Struct => {
  const topics = response.responses as Struct[]
  const partitions = topics[0]?.partitionResponses as Struct[] | undefined
  const answer = partitions?.[0]
  assert.ok(answer !== undefined, 'a Produce response with one partition answer')
  return answer
}

/** Every partition answer of a Produce response for one topic, as [partition, error code, base offset, error message], by partition. */
const partitionAnswers = (response: Struct): [number, number, bigint, unknown][] =>
  ((response.responses as Struct[])[0]?.partitionResponses as Struct[])
    .map((p): [number, number, bigint, unknown] => [
      p.index as number,
      p.errorCode as number,
      p.baseOffset as bigint,
      p.errorMessage
    ])
    .sort((a, b) => a[0] - b[0])

const produce = async (
  connection: RawConnection,
  topic: string,
  records: Buffer,
  acks = -1
): Promise<Struct> =>
  partitionAnswer(await connection.request(produceApi, 9, produceRequest(topic, records, acks)))

const topicAnswer = (response: Struct): Struct => {
  const answer = (response.topics as Struct[])[0]
  assert.ok(answer !== undefined, 'a Metadata response with one topic')
  return answer
}

const newProducer = async (connection: RawConnection): Promise<ProducerStamp> => {
  const ask = () =>
    connection.request(initProducerIdApi, 4, {
      transactionalId: null,
      transactionTimeoutMs: 60000,
      producerId: -1n,
      producerEpoch: -1
    })
  let answer = await ask()
  // A fresh Kafka loads its transaction coordinator on first use: COORDINATOR_LOAD_IN_PROGRESS (14).
  for (let i = 0; i < 50 && answer.errorCode === 14; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    answer = await ask()
  }
  assert.equal(answer.errorCode, 0)
  return {
    producerId: answer.producerId as bigint,
    producerEpoch: answer.producerEpoch as number,
    baseSequence: 0
  }
}

parity(
  'Metadata for an unknown topic without auto-creation answers UNKNOWN_TOPIC_OR_PARTITION (3) and creates nothing',
  async (t, target) => {
    const connection = await RawConnection.open(t, target.bootstrap)
    const topic = uniqueTopic('parity-unknown')
    for (let i = 0; i < 2; i++) {
      const answer = topicAnswer(await connection.request(metadataApi, 12, metadataRequest([topic], false)))
      assert.equal(answer.errorCode, 3)
      assert.deepEqual(answer.partitions, [])
    }
  }
)

parity(
  'Metadata with auto-creation answers UNKNOWN_TOPIC_OR_PARTITION (3) first, then the topic with num.partitions partitions',
  async (t, target) => {
    const connection = await RawConnection.open(t, target.bootstrap)
    const topic = uniqueTopic('parity-auto')
    const first = topicAnswer(await connection.request(metadataApi, 12, metadataRequest([topic], true)))
    assert.equal(first.errorCode, 3)
    assert.deepEqual(first.partitions, [])
    let answer = first
    for (let i = 0; i < 50 && answer.errorCode !== 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      answer = topicAnswer(await connection.request(metadataApi, 12, metadataRequest([topic], true)))
    }
    assert.equal(answer.errorCode, 0)
    assert.deepEqual(
      (answer.partitions as Struct[]).map((p) => [p.errorCode, p.partitionIndex]),
      [[0, 0]]
    )
  }
)

parity(
  'Produce to an unknown topic answers UNKNOWN_TOPIC_OR_PARTITION (3) and does not create it',
  async (t, target) => {
    const connection = await RawConnection.open(t, target.bootstrap)
    const topic = uniqueTopic('parity-produce-unknown')
    const answer = await produce(connection, topic, batchOf(['v']))
    assert.deepEqual([answer.errorCode, answer.baseOffset], [3, -1n])
    const metadata = topicAnswer(await connection.request(metadataApi, 12, metadataRequest([topic], false)))
    assert.equal(metadata.errorCode, 3)
  }
)

parity(
  'Produce to a partition the topic does not have answers UNKNOWN_TOPIC_OR_PARTITION (3)',
  async (t, target) => {
    const connection = await RawConnection.open(t, target.bootstrap)
    const topic = uniqueTopic('parity-partition')
    await target.createTopic(topic, 1)
    const response = await connection.request(produceApi, 9, produceRequest(topic, batchOf(['v']), -1, 1))
    assert.equal(partitionAnswer(response).errorCode, 3)
  }
)

parity(
  'a record batch with a bad CRC answers CORRUPT_MESSAGE (2) and nothing is stored',
  async (t, target) => {
    const connection = await RawConnection.open(t, target.bootstrap)
    const topic = uniqueTopic('parity-crc')
    await target.createTopic(topic, 1)
    const batch = batchOf(['v'])
    batch.writeUInt32BE((batch.readUInt32BE(17) ^ 1) >>> 0, 17)
    const answer = await produce(connection, topic, batch)
    assert.deepEqual([answer.errorCode, answer.baseOffset], [2, -1n])
    const good = await produce(connection, topic, batchOf(['w']))
    assert.deepEqual([good.errorCode, good.baseOffset], [0, 0n])
  }
)

parity(
  'a Produce request with a damaged batch for one partition: CORRUPT_MESSAGE (2) there and nothing appended; the other partition is written',
  async (t, target) => {
    const connection = await RawConnection.open(t, target.bootstrap)
    const topic = uniqueTopic('parity-crc-partitions')
    await target.createTopic(topic, 3)
    const first = await connection.request(produceApi, 9, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 5000,
      topicData: [
        { name: topic, partitionData: [0, 1, 2].map((index) => ({ index, records: batchOf([`p${index}`]) })) }
      ]
    })
    assert.deepEqual(partitionAnswers(first), [
      [0, 0, 0n, null],
      [1, 0, 0n, null],
      [2, 0, 0n, null]
    ])
    // A bit flipped in the value of the second record: the CRC stored in the header no longer
    // matches the bytes it covers (attributes to the end).
    const damaged = batchOf(['a', 'b'])
    const at = damaged.lastIndexOf(Buffer.from('b'))
    damaged[at] = (damaged[at] as number) ^ 0x01
    // And one whose CRC field itself is wrong, the records intact.
    const badCrc = batchOf(['c'])
    badCrc.writeUInt32BE((badCrc.readUInt32BE(17) + 1) >>> 0, 17)
    const response = await connection.request(produceApi, 9, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 5000,
      topicData: [
        {
          name: topic,
          partitionData: [
            { index: 0, records: damaged },
            { index: 1, records: batchOf(['d', 'e']) },
            { index: 2, records: badCrc }
          ]
        }
      ]
    })
    assert.deepEqual(partitionAnswers(response), [
      // Kafka's answer to a bad CRC carries no error message.
      [0, 2, -1n, null],
      [1, 0, 1n, null],
      [2, 2, -1n, null]
    ])
    assert.deepEqual(await Promise.all([0, 1, 2].map((p) => target.endOffset(topic, p))), [1, 3, 1])
    assert.deepEqual(
      (await target.read(topic, 0)).map((r) => [r.offset, r.value?.toString()]),
      [[0, 'p0']]
    )
  }
)

parity(
  'an idempotent producer that skips a sequence number gets OUT_OF_ORDER_SEQUENCE_NUMBER (45)',
  async (t, target) => {
    const connection = await RawConnection.open(t, target.bootstrap)
    const topic = uniqueTopic('parity-sequence')
    await target.createTopic(topic, 1)
    const producer = await newProducer(connection)
    const first = await produce(connection, topic, batchOf(['a', 'b'], producer))
    assert.deepEqual([first.errorCode, first.baseOffset], [0, 0n])
    const gap = await produce(connection, topic, batchOf(['d'], { ...producer, baseSequence: 3 }))
    assert.deepEqual([gap.errorCode, gap.baseOffset], [45, -1n])
    const next = await produce(connection, topic, batchOf(['c'], { ...producer, baseSequence: 2 }))
    assert.deepEqual([next.errorCode, next.baseOffset], [0, 2n])
    // A retry of a batch already in the log is answered with its first offset and not stored again.
    const retry = await produce(connection, topic, batchOf(['a', 'b'], producer))
    assert.deepEqual([retry.errorCode, retry.baseOffset], [0, 0n])
    // A batch starting inside one already written is neither a retry nor the next one.
    const overlap = await produce(connection, topic, batchOf(['b'], { ...producer, baseSequence: 1 }))
    assert.deepEqual([overlap.errorCode, overlap.baseOffset], [45, -1n])
  }
)

parity(
  'a producer the partition has no state for may start at any sequence; the next batch must follow it',
  async (t, target) => {
    const connection = await RawConnection.open(t, target.bootstrap)
    const topic = uniqueTopic('parity-first-sequence')
    await target.createTopic(topic, 1)
    const producer = await newProducer(connection)
    const first = await produce(connection, topic, batchOf(['a'], { ...producer, baseSequence: 5 }))
    assert.deepEqual([first.errorCode, first.baseOffset], [0, 0n])
    const gap = await produce(connection, topic, batchOf(['c'], { ...producer, baseSequence: 7 }))
    assert.deepEqual([gap.errorCode, gap.baseOffset], [45, -1n])
    const next = await produce(connection, topic, batchOf(['b'], { ...producer, baseSequence: 6 }))
    assert.deepEqual([next.errorCode, next.baseOffset], [0, 1n])
  }
)

parity(
  'a batch over max.message.bytes (1048588 by default) answers MESSAGE_TOO_LARGE (10); one of exactly that size is stored',
  async (t, target) => {
    const connection = await RawConnection.open(t, target.bootstrap)
    const topic = uniqueTopic('parity-large')
    await target.createTopic(topic, 1)
    // A one-record batch: 61 header bytes, a 3-byte record length, then attributes, timestamp
    // delta, offset delta, key length (1 byte each), a 3-byte value length, the value and the header
    // count (1 byte): a value of 1048588 - 72 bytes makes the batch 1048588 bytes.
    const fits = batchOf(['x'.repeat(1048588 - 72)])
    assert.equal(fits.length, 1048588)
    const tooLarge = batchOf(['x'.repeat(1048588 - 71)])
    const rejected = await produce(connection, topic, tooLarge)
    assert.deepEqual([rejected.errorCode, rejected.baseOffset], [10, -1n])
    const stored = await produce(connection, topic, fits)
    assert.deepEqual([stored.errorCode, stored.baseOffset], [0, 0n])
  }
)

parity(
  'ApiVersions in a version the broker does not know answers UNSUPPORTED_VERSION (35) in v0 with the versions served',
  async (t, target) => {
    const connection = await RawConnection.open(t, target.bootstrap)
    const answer = await connection.send(18, 127, true, Buffer.from([0, 0, 0]))
    assert.ok('frame' in answer, 'an answer, not a closed connection')
    const response = decodeResponse(
      apiVersionsApi(() => []),
      0,
      answer.frame
    )
    // Only ApiVersions' own range, so that the client retries in a version both know: the
    // development broker serves v0-3, Kafka 4.1 v0-4.
    const maxVersion = target.dev === undefined ? 4 : 3
    assert.deepEqual(response, { errorCode: 35, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion }] })
  }
)

parity(
  'another API in a version the broker does not serve gets the connection closed, no answer',
  async (t, target) => {
    const connection = await RawConnection.open(t, target.bootstrap)
    const answer = await connection.send(3, 127, true, Buffer.from([1, 0, 0, 0]))
    assert.deepEqual(answer, { closed: true })
  }
)

parity('an API key the broker does not know gets the connection closed, no answer', async (t, target) => {
  const connection = await RawConnection.open(t, target.bootstrap)
  const answer = await connection.send(999, 0, false, Buffer.alloc(0))
  assert.deepEqual(answer, { closed: true })
})

const ILLEGAL_NAMES = ['bad/name', 'with space', '.', '..', 'x'.repeat(250), 'ünïcode']

parity(
  'Metadata with auto-creation for illegal topic names answers INVALID_TOPIC_EXCEPTION (17)',
  async (t, target) => {
    const connection = await RawConnection.open(t, target.bootstrap)
    const response = await connection.request(metadataApi, 12, metadataRequest(ILLEGAL_NAMES, true))
    // Kafka lists the topics in no particular order.
    assert.deepEqual(
      (response.topics as Struct[]).map((topic) => [topic.name, topic.errorCode]).sort(),
      ILLEGAL_NAMES.map((name) => [name, 17]).sort()
    )
  }
)

parity('CreateTopics with illegal topic names answers INVALID_TOPIC_EXCEPTION (17)', async (t, target) => {
  const connection = await RawConnection.open(t, target.bootstrap)
  const response = await connection.request(createTopicsApi, 7, {
    topics: ILLEGAL_NAMES.map((name) => ({
      name,
      numPartitions: 1,
      replicationFactor: 1,
      assignments: [],
      configs: []
    })),
    timeoutMs: 5000,
    validateOnly: false
  })
  assert.deepEqual(
    (response.topics as Struct[]).map((topic) => [topic.name, topic.errorCode]),
    ILLEGAL_NAMES.map((name) => [name, 17])
  )
})

parity('Produce to an illegal topic name answers UNKNOWN_TOPIC_OR_PARTITION (3)', async (t, target) => {
  const connection = await RawConnection.open(t, target.bootstrap)
  const answer = await produce(connection, 'bad/name', batchOf(['v']))
  assert.equal(answer.errorCode, 3)
})

parity('Produce with acks=2 answers INVALID_REQUIRED_ACKS (21) for every partition', async (t, target) => {
  const connection = await RawConnection.open(t, target.bootstrap)
  const topic = uniqueTopic('parity-acks')
  await target.createTopic(topic, 1)
  const answer = await produce(connection, topic, batchOf(['v']), 2)
  assert.deepEqual([answer.errorCode, answer.baseOffset], [21, -1n])
})
