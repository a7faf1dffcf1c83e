// What ThingsBoard writes into a failed message's `error` metadata: TbKafkaNode's producer callback
// does `e.getClass() + ": " + e.getMessage()`, so the text is "class <Java exception class>:
// <message>" of the exception the Java producer (kafka-clients 4.1.1) hands it for the same
// failure. This file is the one table from our failure codes to that exception; our own, more
// detailed text goes beside it in `errorDetail`.

import { RuleNodeError } from '../../errors.js'
import {
  KafkaBrokerError,
  KafkaConnectionError,
  KafkaTimeoutError,
  RecordTooLargeError
} from '../../kafka/errors.js'

/** A Java exception: its class name and message. */
export interface JavaException {
  readonly javaClass: string
  readonly message: string
}

const ERRORS = 'org.apache.kafka.common.errors.'

/**
 * Broker error codes (by their protocol name) as the Java client's `Errors` enum maps them: the
 * exception class and its default message, used when the broker sent no message of its own
 * (Errors.exception(message)). The codes a producer can meet; others fall back to KafkaException.
 */
export const BROKER_EXCEPTIONS: Readonly<Record<string, readonly [javaClass: string, message: string]>> = {
  UNKNOWN_SERVER_ERROR: [
    'org.apache.kafka.common.errors.UnknownServerException',
    'The server experienced an unexpected error when processing the request.'
  ],
  CORRUPT_MESSAGE: [
    'org.apache.kafka.common.errors.CorruptRecordException',
    'This message has failed its CRC checksum, exceeds the valid size, has a null key for a compacted topic, or is otherwise corrupt.'
  ],
  UNKNOWN_TOPIC_OR_PARTITION: [
    'org.apache.kafka.common.errors.UnknownTopicOrPartitionException',
    'This server does not host this topic-partition.'
  ],
  LEADER_NOT_AVAILABLE: [
    'org.apache.kafka.common.errors.LeaderNotAvailableException',
    'There is no leader for this topic-partition as we are in the middle of a leadership election.'
  ],
  NOT_LEADER_OR_FOLLOWER: [
    'org.apache.kafka.common.errors.NotLeaderOrFollowerException',
    'For requests intended only for the leader, this error indicates that the broker is not the current leader. For requests intended for any replica, this error indicates that the broker is not a replica of the topic partition.'
  ],
  REQUEST_TIMED_OUT: ['org.apache.kafka.common.errors.TimeoutException', 'The request timed out.'],
  BROKER_NOT_AVAILABLE: [
    'org.apache.kafka.common.errors.BrokerNotAvailableException',
    'The broker is not available.'
  ],
  REPLICA_NOT_AVAILABLE: [
    'org.apache.kafka.common.errors.ReplicaNotAvailableException',
    'The replica is not available for the requested topic-partition. Produce/Fetch requests and other requests intended only for the leader or follower return NOT_LEADER_OR_FOLLOWER if the broker is not a replica of the topic-partition.'
  ],
  MESSAGE_TOO_LARGE: [
    'org.apache.kafka.common.errors.RecordTooLargeException',
    'The request included a message larger than the max message size the server will accept.'
  ],
  NETWORK_EXCEPTION: [
    'org.apache.kafka.common.errors.NetworkException',
    'The server disconnected before a response was received.'
  ],
  INVALID_TOPIC_EXCEPTION: [
    'org.apache.kafka.common.errors.InvalidTopicException',
    'The request attempted to perform an operation on an invalid topic.'
  ],
  RECORD_LIST_TOO_LARGE: [
    'org.apache.kafka.common.errors.RecordBatchTooLargeException',
    'The request included message batch larger than the configured segment size on the server.'
  ],
  NOT_ENOUGH_REPLICAS: [
    'org.apache.kafka.common.errors.NotEnoughReplicasException',
    'Messages are rejected since there are fewer in-sync replicas than required.'
  ],
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: [
    'org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException',
    'Messages are written to the log, but to fewer in-sync replicas than required.'
  ],
  INVALID_REQUIRED_ACKS: [
    'org.apache.kafka.common.errors.InvalidRequiredAcksException',
    'Produce request specified an invalid value for required acks.'
  ],
  TOPIC_AUTHORIZATION_FAILED: [
    'org.apache.kafka.common.errors.TopicAuthorizationException',
    'Topic authorization failed.'
  ],
  CLUSTER_AUTHORIZATION_FAILED: [
    'org.apache.kafka.common.errors.ClusterAuthorizationException',
    'Cluster authorization failed.'
  ],
  INVALID_TIMESTAMP: [
    'org.apache.kafka.common.errors.InvalidTimestampException',
    'The timestamp of the message is out of acceptable range.'
  ],
  UNSUPPORTED_SASL_MECHANISM: [
    'org.apache.kafka.common.errors.UnsupportedSaslMechanismException',
    'The broker does not support the requested SASL mechanism.'
  ],
  ILLEGAL_SASL_STATE: [
    'org.apache.kafka.common.errors.IllegalSaslStateException',
    'Request is not valid given the current SASL state.'
  ],
  UNSUPPORTED_VERSION: [
    'org.apache.kafka.common.errors.UnsupportedVersionException',
    'The version of API is not supported.'
  ],
  INVALID_REQUEST: [
    'org.apache.kafka.common.errors.InvalidRequestException',
    'This most likely occurs because of a request being malformed by the client library or the message was sent to an incompatible broker. See the broker logs for more details.'
  ],
  UNSUPPORTED_FOR_MESSAGE_FORMAT: [
    'org.apache.kafka.common.errors.UnsupportedForMessageFormatException',
    'The message format version on the broker does not support the request.'
  ],
  POLICY_VIOLATION: [
    'org.apache.kafka.common.errors.PolicyViolationException',
    'Request parameters do not satisfy the configured policy.'
  ],
  OUT_OF_ORDER_SEQUENCE_NUMBER: [
    'org.apache.kafka.common.errors.OutOfOrderSequenceException',
    'The broker received an out of order sequence number.'
  ],
  INVALID_PRODUCER_EPOCH: [
    'org.apache.kafka.common.errors.InvalidProducerEpochException',
    'Producer attempted to produce with an old epoch.'
  ],
  KAFKA_STORAGE_ERROR: [
    'org.apache.kafka.common.errors.KafkaStorageException',
    'Disk error when trying to access log file on the disk.'
  ],
  SASL_AUTHENTICATION_FAILED: [
    'org.apache.kafka.common.errors.SaslAuthenticationException',
    'SASL Authentication failed.'
  ],
  UNKNOWN_PRODUCER_ID: [
    'org.apache.kafka.common.errors.UnknownProducerIdException',
    "This exception is raised by the broker if it could not locate the producer metadata associated with the producerId in question. This could happen if, for instance, the producer's records were deleted because their retention time had elapsed. Once the last records of the producerId are removed, the producer's metadata is removed from the broker, and future appends by the producer will return this exception."
  ],
  FENCED_LEADER_EPOCH: [
    'org.apache.kafka.common.errors.FencedLeaderEpochException',
    'The leader epoch in the request is older than the epoch on the broker.'
  ],
  UNKNOWN_LEADER_EPOCH: [
    'org.apache.kafka.common.errors.UnknownLeaderEpochException',
    'The leader epoch in the request is newer than the epoch on the broker.'
  ],
  UNSUPPORTED_COMPRESSION_TYPE: [
    'org.apache.kafka.common.errors.UnsupportedCompressionTypeException',
    'The requesting client does not support the compression type of given partition.'
  ],
  INVALID_RECORD: [
    'org.apache.kafka.common.InvalidRecordException',
    'This record has failed the validation on broker and hence will be rejected.'
  ],
  THROTTLING_QUOTA_EXCEEDED: [
    'org.apache.kafka.common.errors.ThrottlingQuotaExceededException',
    'The throttling quota has been exceeded.'
  ],
  PRODUCER_FENCED: [
    'org.apache.kafka.common.errors.ProducerFencedException',
    'There is a newer producer with the same transactionalId which fences the current one.'
  ]
}

/** Our failure codes that are not broker error codes, and the Java producer's exception for each. */
export const FAILURE_EXCEPTIONS = {
  /** KafkaProducer.waitOnMetadata: the topic's partitions not known within max.block.ms. */
  METADATA_TIMEOUT: {
    javaClass: `${ERRORS}TimeoutException`,
    template: 'Topic {topic} not present in metadata after {maxBlockMs} ms.'
  },
  /** Sender.failExpiredBatches: a batch not delivered within delivery.timeout.ms of its creation. */
  DELIVERY_TIMEOUT: {
    javaClass: `${ERRORS}TimeoutException`,
    template:
      'Expiring {records} record(s) for {topic}-{partition}:{elapsedMs} ms has passed since batch creation'
  },
  /** Sender.handleProduceResponse: no answer within request.timeout.ms (REQUEST_TIMED_OUT). */
  REQUEST_TIMEOUT: {
    javaClass: `${ERRORS}TimeoutException`,
    template: 'Disconnected from node {brokerId} due to timeout'
  },
  /** Sender.handleProduceResponse: the connection broke before the answer (NETWORK_EXCEPTION). */
  CONNECTION: { javaClass: `${ERRORS}NetworkException`, template: 'Disconnected from node {brokerId}' },
  /** KafkaProducer.ensureValidRecordSize, first check. */
  RECORD_TOO_LARGE_REQUEST: {
    javaClass: `${ERRORS}RecordTooLargeException`,
    template:
      'The message is {size} bytes when serialized which is larger than {limit}, which is the value of the max.request.size configuration.'
  },
  /** KafkaProducer.ensureValidRecordSize, second check. */
  RECORD_TOO_LARGE_MEMORY: {
    javaClass: `${ERRORS}RecordTooLargeException`,
    template:
      'The message is {size} bytes when serialized which is larger than the total memory buffer you have configured with the buffer.memory configuration.'
  },
  /** SslTransportLayer.handshakeFailure: any SSLException during the handshake. */
  SSL_AUTHENTICATION: { javaClass: `${ERRORS}SslAuthenticationException`, template: 'SSL handshake failed' },
  /** Metadata.recoverableExceptionForTopic: a topic name the brokers refuse. */
  INVALID_TOPIC: { javaClass: `${ERRORS}InvalidTopicException`, template: 'Invalid topics: [{topic}]' },
  /** Metadata / Sender: TOPIC_AUTHORIZATION_FAILED names the topic. */
  TOPIC_AUTHORIZATION: {
    javaClass: `${ERRORS}TopicAuthorizationException`,
    template: 'Not authorized to access topics: [{topic}]'
  },
  /** Sender: CLUSTER_AUTHORIZATION_FAILED on an idempotent producer's request. */
  CLUSTER_AUTHORIZATION: {
    javaClass: `${ERRORS}ClusterAuthorizationException`,
    template: 'The producer is not authorized to do idempotent sends'
  },
  /** KafkaProducer.throwIfProducerClosed: send() after close(). */
  PRODUCER_CLOSED: {
    javaClass: 'java.lang.IllegalStateException',
    template: 'Cannot perform operation after producer has been closed'
  },
  /** Anything else: the client's base exception, with our message. */
  OTHER: { javaClass: 'org.apache.kafka.common.KafkaException', template: '{detail}' }
} as const satisfies Readonly<Record<string, { javaClass: string; template: string }>>

/** A key of FAILURE_EXCEPTIONS. */
export type FailureKind = keyof typeof FAILURE_EXCEPTIONS

function fill(
  kind: FailureKind,
  values: Readonly<Record<string, string | number | undefined>>
): JavaException {
  const { javaClass, template } = FAILURE_EXCEPTIONS[kind]
  const message = template.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''))
  return { javaClass, message }
}

/** The exception the Java producer reports for the same failure as `error`. */
export function javaException(error: unknown): JavaException {
  const context = error instanceof RuleNodeError ? error.context : {}
  const values = {
    topic: context.topic,
    partition: context.partition,
    brokerId: context.brokerId ?? -1,
    detail: error instanceof Error ? error.message : String(error)
  }
  if (error instanceof KafkaTimeoutError) {
    const deadline = error.deadline
    if (deadline?.kind === 'metadata')
      return fill('METADATA_TIMEOUT', { ...values, maxBlockMs: deadline.maxBlockMs })
    if (deadline?.kind === 'delivery')
      return fill('DELIVERY_TIMEOUT', { ...values, records: deadline.records, elapsedMs: deadline.elapsedMs })
  }
  if (error instanceof RecordTooLargeError && error.size !== undefined) {
    const kind = error.limit === 'buffer.memory' ? 'RECORD_TOO_LARGE_MEMORY' : 'RECORD_TOO_LARGE_REQUEST'
    return fill(kind, { size: error.size, limit: error.limitBytes })
  }
  if (error instanceof KafkaConnectionError)
    return fill(error.timedOut ? 'REQUEST_TIMEOUT' : 'CONNECTION', values)
  if (error instanceof RuleNodeError) {
    switch (error.code) {
      case 'SSL_AUTHENTICATION':
        return fill('SSL_AUTHENTICATION', values)
      case 'PRODUCER_CLOSED':
        return fill('PRODUCER_CLOSED', values)
      case 'TOPIC_AUTHORIZATION_FAILED':
        return fill('TOPIC_AUTHORIZATION', values)
      case 'CLUSTER_AUTHORIZATION_FAILED':
        return fill('CLUSTER_AUTHORIZATION', values)
      // Asked about in metadata (no partition yet), Java names the topic; in a produce answer it
      // takes the code's own message.
      case 'INVALID_TOPIC_EXCEPTION':
        if (context.partition === undefined) return fill('INVALID_TOPIC', values)
    }
    const broker = BROKER_EXCEPTIONS[error.code]
    if (broker !== undefined) {
      const server = error instanceof KafkaBrokerError ? error.serverMessage : undefined
      return { javaClass: broker[0], message: server ?? broker[1] }
    }
  }
  return fill('OTHER', values)
}

/** ThingsBoard's `error` metadata for `error`: `class <Java class>: <message>`. */
export function thingsBoardErrorText(error: unknown): string {
  const { javaClass, message } = javaException(error)
  return `class ${javaClass}: ${message}`
}
