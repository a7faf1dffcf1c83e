import { test } from 'node:test'
import assert from 'node:assert/strict'
import { produceApi } from '../../../src/broker/apis/produce.js'
import type { Struct } from '../../../src/broker/protocol/schema.js'
import { encodeRecordBatch } from '../../../src/kafka/producer/record-batch.js'
import { plainRecord } from '../../helpers/batch-records.js'
import { address, startTestBroker } from '../../helpers/broker.js'
import { RawConnection } from '../../helpers/raw-kafka.js'

const batch = (value: string): Buffer => encodeRecordBatch([plainRecord(value, 1732400000000)], 'none')

for (const topic of ['__consumer_offsets', '__transaction_state']) {
  test(`Produce from a client to the internal topic ${topic} answers INVALID_TOPIC_EXCEPTION (17), as Kafka does`, async (t) => {
    const broker = await startTestBroker(t, { partitions: 1 })
    broker.createTopic(topic, 1)
    const connection = await RawConnection.open(t, address(broker))
    const response = await connection.request(produceApi, 9, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 5000,
      topicData: [{ name: topic, partitionData: [{ index: 0, records: batch('v') }] }]
    })
    const answer = ((response.responses as Struct[])[0]?.partitionResponses as Struct[])[0]
    assert.deepEqual(answer, {
      index: 0,
      errorCode: 17,
      baseOffset: -1n,
      logAppendTimeMs: -1n,
      logStartOffset: -1n,
      recordErrors: [],
      errorMessage: `Cannot append to internal topic ${topic}`
    })
    assert.equal(broker.highWatermark(topic, 0), 0)
  })
}
