// Builds the @platformatic/kafka client from the node's settings. The node uses it for cluster
// metadata, connections (TLS, SASL), API versions and producer ids, and sends its own encoded
// batches over those connections (batch-transport.ts). The client's own retries are off (the
// node's sender retries, so that `retries` keeps Java's meaning); topics auto-create on metadata
// as the Java producer asks brokers to; SNI is sent with the bootstrap host name.

import { Producer, UserError, stringSerializer } from '@platformatic/kafka'
import type { ProducerSettings } from './producer-properties.js'

/** A producer of Buffer keys and values with string header names. */
export type KafkaClient = Producer<Buffer, Buffer, string, Buffer>

/** Creates the client; it connects on first use. */
export function createClient(settings: ProducerSettings): KafkaClient {
  const tls = settings.tls
  const firstHost = (settings.bootstrapServers[0] ?? 'localhost').replace(/:\d+$/, '')
  return new Producer<Buffer, Buffer, string, Buffer>({
    clientId: settings.clientId,
    bootstrapBrokers: [...settings.bootstrapServers],
    retries: 0,
    timeout: settings.requestTimeoutMs,
    requestTimeout: settings.requestTimeoutMs,
    connectTimeout: Math.min(settings.requestTimeoutMs, 10_000),
    maxInflights: settings.maxInFlight,
    // The node stamps its own batches (idempotence.ts); the client only asks for the producer id.
    idempotent: false,
    autocreateTopics: true,
    metadataMaxAge: settings.metadataMaxAgeMs,
    // A stale-metadata answer is a retriable error for the node's sender, not a hidden extra attempt.
    repeatOnStaleMetadata: false,
    ...(settings.compression === 'none' ? {} : { compression: settings.compression }),
    serializers: { headerKey: stringSerializer },
    ...(tls === undefined
      ? {}
      : {
          tls: {
            ...(tls.ca === undefined ? {} : { ca: tls.ca }),
            ...(tls.cert === undefined ? {} : { cert: tls.cert }),
            ...(tls.key === undefined ? {} : { key: tls.key }),
            rejectUnauthorized: true,
            // ssl.endpoint.identification.algorithm="" keeps the chain check but skips the host name.
            ...(tls.verifyHostname ? {} : { checkServerIdentity: () => undefined })
          },
          tlsServerName: firstHost
        }),
    ...(settings.sasl === undefined ? {} : { sasl: { ...settings.sasl } })
  })
}

/**
 * Whether a metadata request failed because a topic is not (yet) there: the client turns the
 * broker's UNKNOWN_TOPIC_OR_PARTITION into a UserError. Apache Kafka answers so while it creates a
 * topic on request (the development broker created it at once), and the Java producer keeps
 * asking until max.block.ms; so must the node, instead of failing the record.
 */
export function isUnknownTopic(error: unknown): boolean {
  return error instanceof UserError
}
