import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Idempotence } from '../../../src/kafka/producer/idempotence.js'
import { PartitionBuffer } from '../../../src/kafka/producer/partition-buffer.js'

// What @platformatic/kafka rejects with when a broker answers InitProducerId with an error code.
const brokerError = (apiId: string, apiCode: number, canRetry: boolean) =>
  Object.assign(new Error(`${apiId} from the broker`), { apiId, apiCode, canRetry })

test('InitProducerId answered COORDINATOR_LOAD_IN_PROGRESS (Apache Kafka loading its producer id block) is asked again after the backoff, as Java does', async () => {
  let calls = 0
  const idempotence = new Idempotence(
    () => {
      calls++
      if (calls < 3) return Promise.reject(brokerError('COORDINATOR_LOAD_IN_PROGRESS', 14, true))
      return Promise.resolve({ producerId: 7n, producerEpoch: 0 })
    },
    { backoffMs: 5, timeoutMs: 1000 }
  )
  assert.deepEqual(await idempotence.stamp(new PartitionBuffer('t', 0), 3), {
    producerId: 7n,
    producerEpoch: 0,
    baseSequence: 0,
    generation: 0
  })
  assert.equal(calls, 3)
})

test('InitProducerId: an error that is not retriable fails at once; a retriable one stops at the timeout', async () => {
  let calls = 0
  const refused = new Idempotence(
    () => {
      calls++
      return Promise.reject(brokerError('CLUSTER_AUTHORIZATION_FAILED', 31, false))
    },
    { backoffMs: 5, timeoutMs: 1000 }
  )
  await assert.rejects(refused.stamp(new PartitionBuffer('t', 0), 1), /CLUSTER_AUTHORIZATION_FAILED/)
  assert.equal(calls, 1)

  const loading = new Idempotence(
    () => Promise.reject(brokerError('COORDINATOR_LOAD_IN_PROGRESS', 14, true)),
    {
      backoffMs: 20,
      timeoutMs: 100
    }
  )
  const started = Date.now()
  await assert.rejects(loading.stamp(new PartitionBuffer('t', 0), 1), /COORDINATOR_LOAD_IN_PROGRESS/)
  const waited = Date.now() - started
  assert.ok(waited >= 60 && waited < 1000, `gave up after ${waited} ms`)
})
