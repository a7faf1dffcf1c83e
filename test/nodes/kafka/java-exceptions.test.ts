import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ConfigError } from '../../../src/errors.js'
import {
  KafkaBrokerError,
  KafkaConnectionError,
  KafkaTimeoutError,
  KafkaTlsError,
  LeaderUnknownError,
  ProducerClosedError,
  RecordTooLargeError
} from '../../../src/kafka/errors.js'
import { failureMetadata } from '../../../src/nodes/kafka/failure.js'
import { BROKER_EXCEPTIONS, thingsBoardErrorText } from '../../../src/nodes/kafka/java-exceptions.js'

// Each of our failures, and what ThingsBoard's node writes for the same failure of its Java
// producer (kafka-clients 4.1.1). The paths a broker can provoke are also checked end to end, against
// the Java producer itself, in test/reference/java-failures.test.ts.

const E = 'class org.apache.kafka.common.errors.'
const where = { topic: 't', partition: 2, brokerId: 1 }
const broker = (code: string, serverMessage?: string, context: object = where) =>
  new KafkaBrokerError(`broker answered ${code}`, { code, retriable: false, context, serverMessage })

const ROWS: { name: string; error: unknown; text: string }[] = [
  {
    name: 'metadata not known within max.block.ms',
    error: new KafkaTimeoutError('x', { topic: 't' }, { deadline: { kind: 'metadata', maxBlockMs: 60000 } }),
    text: `${E}TimeoutException: Topic t not present in metadata after 60000 ms.`
  },
  {
    name: 'a batch past delivery.timeout.ms',
    error: new KafkaTimeoutError('x', where, {
      deadline: { kind: 'delivery', records: 3, elapsedMs: 120004 }
    }),
    text: `${E}TimeoutException: Expiring 3 record(s) for t-2:120004 ms has passed since batch creation`
  },
  {
    name: 'no answer within request.timeout.ms',
    error: new KafkaConnectionError('x', where, { timedOut: true }),
    text: `${E}TimeoutException: Disconnected from node 1 due to timeout`
  },
  {
    name: 'a connection that broke',
    error: new KafkaConnectionError('x', where),
    text: `${E}NetworkException: Disconnected from node 1`
  },
  {
    name: 'a record over max.request.size',
    error: new RecordTooLargeError(
      'x',
      { topic: 't' },
      { size: 2086, limit: 'max.request.size', limitBytes: 1000 }
    ),
    text: `${E}RecordTooLargeException: The message is 2086 bytes when serialized which is larger than 1000, which is the value of the max.request.size configuration.`
  },
  {
    name: 'a record over buffer.memory',
    error: new RecordTooLargeError(
      'x',
      { topic: 't' },
      { size: 2086, limit: 'buffer.memory', limitBytes: 1024 }
    ),
    text: `${E}RecordTooLargeException: The message is 2086 bytes when serialized which is larger than the total memory buffer you have configured with the buffer.memory configuration.`
  },
  {
    name: 'a TLS handshake that failed',
    error: new KafkaTlsError('x', where),
    text: `${E}SslAuthenticationException: SSL handshake failed`
  },
  {
    name: 'a broker code with no message of its own',
    error: broker('NOT_ENOUGH_REPLICAS'),
    text: `${E}NotEnoughReplicasException: Messages are rejected since there are fewer in-sync replicas than required.`
  },
  {
    name: "a broker code with the broker's message",
    error: broker('SASL_AUTHENTICATION_FAILED', 'Authentication failed: Invalid username or password', {
      topic: 't'
    }),
    text: `${E}SaslAuthenticationException: Authentication failed: Invalid username or password`
  },
  {
    name: 'an invalid topic in metadata names the topic',
    error: broker('INVALID_TOPIC_EXCEPTION', undefined, { topic: 'a b' }),
    text: `${E}InvalidTopicException: Invalid topics: [a b]`
  },
  {
    name: 'an invalid topic in a produce answer',
    error: broker('INVALID_TOPIC_EXCEPTION'),
    text: `${E}InvalidTopicException: The request attempted to perform an operation on an invalid topic.`
  },
  {
    name: 'topic authorization names the topic',
    error: broker('TOPIC_AUTHORIZATION_FAILED'),
    text: `${E}TopicAuthorizationException: Not authorized to access topics: [t]`
  },
  {
    name: "cluster authorization, an idempotent producer's",
    error: broker('CLUSTER_AUTHORIZATION_FAILED'),
    text: `${E}ClusterAuthorizationException: The producer is not authorized to do idempotent sends`
  },
  {
    name: 'no leader known',
    error: new LeaderUnknownError('x', 'LEADER_NOT_AVAILABLE', where),
    text: `${E}LeaderNotAvailableException: There is no leader for this topic-partition as we are in the middle of a leadership election.`
  },
  {
    name: 'a record on a stopping node',
    error: new ProducerClosedError('x', {}),
    text: 'class java.lang.IllegalStateException: Cannot perform operation after producer has been closed'
  },
  {
    name: 'anything else: the client base exception with our message',
    error: new ConfigError('acks must be one of -1, 0, 1, all (got "2")'),
    text: 'class org.apache.kafka.common.KafkaException: acks must be one of -1, 0, 1, all (got "2")'
  }
]

for (const row of ROWS) {
  test(`error text as ThingsBoard writes it: ${row.name}`, () => {
    assert.equal(thingsBoardErrorText(row.error), row.text)
  })
}

test('every broker code in the table names a class of kafka-clients and a message that ends a sentence', () => {
  for (const [code, [javaClass, message]] of Object.entries(BROKER_EXCEPTIONS)) {
    assert.match(code, /^[A-Z_]+$/)
    assert.match(javaClass, /^org\.apache\.kafka\.common\.(errors\.)?[A-Z]\w+$/, code)
    assert.match(message, /\.$/, code)
  }
})

test("the failure metadata: ThingsBoard's text in `error`, ours in `errorDetail`", () => {
  const error = new KafkaTimeoutError(
    'topic t not present in metadata after 500 ms (max.block.ms); last error: connect ECONNREFUSED',
    { topic: 't' },
    { deadline: { kind: 'metadata', maxBlockMs: 500 } }
  )
  assert.deepEqual(failureMetadata(error), {
    error: `${E}TimeoutException: Topic t not present in metadata after 500 ms.`,
    errorDetail:
      'KafkaTimeoutError: topic t not present in metadata after 500 ms (max.block.ms); last error: connect ECONNREFUSED'
  })
})
