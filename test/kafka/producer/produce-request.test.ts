import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Reader as ClientReader } from '@platformatic/kafka'
import { produceApi } from '../../../src/broker/apis/produce.js'
import { Reader } from '../../../src/broker/protocol/reader.js'
import { decode, encode } from '../../../src/broker/protocol/schema.js'
import { Writer } from '../../../src/broker/protocol/writer.js'
import {
  PRODUCE_VERSIONS,
  encodeProduceRequest,
  produceResponseParser
} from '../../../src/kafka/producer/produce-request.js'

const batches = [
  { topic: 'telemetry', partition: 2, payload: Buffer.from('batch-a') },
  { topic: 'télémétrie', partition: 0, payload: Buffer.alloc(300, 7) },
  { topic: 'telemetry', partition: 5, payload: Buffer.from('batch-c') }
]

for (const version of PRODUCE_VERSIONS) {
  test(`Produce v${version}: the request decodes, by the broker's schema, to every partition's batch grouped by topic`, () => {
    const body = encodeProduceRequest({ version, acks: -1, timeoutMs: 30000, batches }).buffer
    const reader = new Reader(body)
    const request = decode(reader, produceApi.request, version, version >= 9)
    assert.equal(reader.remaining, 0)
    assert.deepEqual(request, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 30000,
      topicData: [
        {
          name: 'telemetry',
          partitionData: [
            { index: 2, records: Buffer.from('batch-a') },
            { index: 5, records: Buffer.from('batch-c') }
          ]
        },
        { name: 'télémétrie', partitionData: [{ index: 0, records: Buffer.alloc(300, 7) }] }
      ]
    })
  })

  test(`Produce v${version}: the answer is read per partition, errors included`, () => {
    const writer = new Writer()
    encode(writer, produceApi.response, version, version >= 9, {
      responses: [
        {
          name: 'telemetry',
          partitionResponses: [
            {
              index: 2,
              errorCode: 0,
              baseOffset: 41n,
              logAppendTimeMs: -1n,
              logStartOffset: 0n,
              recordErrors: [],
              errorMessage: null
            },
            {
              index: 5,
              errorCode: 6,
              baseOffset: -1n,
              logAppendTimeMs: -1n,
              logStartOffset: -1n,
              recordErrors: [],
              errorMessage: 'not the leader'
            }
          ]
        }
      ],
      throttleTimeMs: 0
    })
    const answers = produceResponseParser(version)(1, 0, version, ClientReader.from(writer.finish()))
    assert.deepEqual(answers, [
      { topic: 'telemetry', partition: 2, errorCode: 0, errorMessage: null, baseOffset: 41n },
      // v7 has no error message field.
      {
        topic: 'telemetry',
        partition: 5,
        errorCode: 6,
        errorMessage: version >= 8 ? 'not the leader' : null,
        baseOffset: -1n
      }
    ])
  })
}

test('acks 0: the request says the broker will not answer', () => {
  assert.equal(
    encodeProduceRequest({ version: 9, acks: 0, timeoutMs: 1000, batches }).context.noResponse,
    true
  )
  assert.equal(
    encodeProduceRequest({ version: 9, acks: 1, timeoutMs: 1000, batches }).context.noResponse,
    undefined
  )
})
