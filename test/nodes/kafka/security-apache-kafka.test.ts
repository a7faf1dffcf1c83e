import { before, test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { uniqueTopic } from '../../helpers/broker.js'
import { openTarget } from '../../helpers/broker-targets.js'
import { kafkaChain } from '../../helpers/kafka-chain.js'
import { makeMsg } from '../../helpers/messages.js'
import { referenceKafka } from '../../helpers/reference-kafka.js'
import { USERS, type KafkaCluster } from '../../../reference/kafka/cluster.js'

// The node against Apache Kafka's own security: users made by Kafka's tools (PLAIN in the JAAS
// file, SCRAM by `kafka-storage format --add-scram`), a test CA, a listener that requires a
// client certificate. Needs our cluster (not a KAFKA_BOOTSTRAP of one's own).

let cluster: KafkaCluster | undefined
before(async () => {
  cluster = (await referenceKafka()).cluster
})

const escaped = (pem: string): string => pem.replaceAll('\n', '\\n')
const jaas = (module: 'plain.PlainLoginModule' | 'scram.ScramLoginModule', user: string, password: string) =>
  `org.apache.kafka.common.security.${module} required username="${user}" password="${password}";`

/** Sends one message with `properties` over `listener`; its exit, and what a PLAINTEXT reader finds. */
async function publish(
  t: TestContext,
  listener: Parameters<KafkaCluster['bootstrap']>[0],
  properties: Record<string, string>
) {
  const kafka = cluster as KafkaCluster
  const topic = uniqueTopic('secure')
  const node = await kafkaChain(t, {
    topicPattern: topic,
    keyPattern: '${deviceName}',
    bootstrapServers: kafka.bootstrap(listener),
    otherProperties: { 'max.block.ms': '5000', ...properties }
  })
  const exits = await node.run([makeMsg({ metadata: { deviceName: 'T1' }, data: `{"via":"${listener}"}` })])
  return { topic, exits, warnings: node.warnings }
}

/** Partition 0 of `topic` as `offset:key:value`, read over PLAINTEXT by the conformance reader (kafkajs). */
async function stored(t: TestContext, topic: string): Promise<string[]> {
  const target = await openTarget(t, 'Apache Kafka')
  return (await target.read(topic, 0)).map(
    (r) => `${r.offset}:${r.key?.toString() ?? ''}:${r.value?.toString() ?? ''}`
  )
}

const skip = (): string | false =>
  process.env.KAFKA_BOOTSTRAP ? 'KAFKA_BOOTSTRAP names a Kafka without our users and CA' : false

test('SASL_PLAINTEXT with PLAIN: Success at offset 0, the record as sent', { skip: skip() }, async (t) => {
  const { topic, exits, warnings } = await publish(t, 'SASL_PLAINTEXT', {
    'security.protocol': 'SASL_PLAINTEXT',
    'sasl.mechanism': 'PLAIN',
    'sasl.jaas.config': jaas('plain.PlainLoginModule', USERS.plain.username, USERS.plain.password)
  })
  assert.deepEqual(
    exits.map((e) => [e.relation, e.msg.metadata.topic, e.msg.metadata.partition, e.msg.metadata.offset]),
    [['Success', topic, '0', '0']]
  )
  assert.deepEqual(await stored(t, topic), ['0:T1:{"via":"SASL_PLAINTEXT"}'])
  assert.deepEqual(warnings, [])
})

for (const [mechanism, listener] of [
  ['SCRAM-SHA-256', 'SASL_PLAINTEXT'],
  ['SCRAM-SHA-512', 'SASL_SSL']
] as const) {
  test(
    `${listener} with ${mechanism}: the right password publishes; the wrong one fails at once with Kafka's answer and never shows the password`,
    { skip: skip() },
    async (t) => {
      const kafka = cluster as KafkaCluster
      const tls =
        listener === 'SASL_SSL'
          ? { 'ssl.truststore.type': 'PEM', 'ssl.truststore.certificates': escaped(kafka.tls.ca) }
          : {}
      const properties = (password: string) => ({
        'security.protocol': listener,
        'sasl.mechanism': mechanism,
        'sasl.jaas.config': jaas('scram.ScramLoginModule', USERS.scram.username, password),
        ...tls
      })
      const good = await publish(t, listener, properties(USERS.scram.password))
      assert.deepEqual(
        good.exits.map((e) => [e.relation, e.msg.metadata.offset]),
        [['Success', '0']]
      )
      assert.deepEqual(await stored(t, good.topic), [`0:T1:{"via":"${listener}"}`])
      const started = Date.now()
      const bad = await publish(t, listener, { ...properties('not-the-password'), 'max.block.ms': '60000' })
      assert.equal(bad.exits[0]?.relation, 'Failure')
      const error = bad.exits[0]?.msg.metadata.errorDetail ?? ''
      assert.match(error, /SASL_AUTHENTICATION_FAILED \(58\)/)
      // Kafka's own answer, as the Java producer's SaslAuthenticationException carries it.
      assert.equal(
        bad.exits[0]?.msg.metadata.error,
        `class org.apache.kafka.common.errors.SaslAuthenticationException: Authentication failed during authentication due to invalid credentials with SASL mechanism ${mechanism}`
      )
      assert.ok(!error.includes('not-the-password'), error)
      // A refused login is final: it must not wait for max.block.ms (60 s).
      assert.ok(Date.now() - started < 30_000, `took ${Date.now() - started} ms`)
    }
  )
}

test(
  'SSL: trusted by the PEM trust store it publishes; without it the message fails naming the certificate',
  { skip: skip() },
  async (t) => {
    const kafka = cluster as KafkaCluster
    const trusted = await publish(t, 'SSL', {
      'security.protocol': 'SSL',
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.certificates': escaped(kafka.tls.ca)
    })
    assert.deepEqual(
      trusted.exits.map((e) => [e.relation, e.msg.metadata.offset]),
      [['Success', '0']]
    )
    assert.deepEqual(await stored(t, trusted.topic), ['0:T1:{"via":"SSL"}'])
    // Final, as Java's SslAuthenticationException: no wait for max.block.ms (60 s).
    const started = Date.now()
    const untrusted = await publish(t, 'SSL', { 'security.protocol': 'SSL', 'max.block.ms': '60000' })
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`)
    assert.equal(untrusted.exits[0]?.relation, 'Failure')
    assert.equal(
      untrusted.exits[0]?.msg.metadata.error,
      'class org.apache.kafka.common.errors.SslAuthenticationException: SSL handshake failed'
    )
    assert.match(
      untrusted.exits[0]?.msg.metadata.errorDetail ?? '',
      /^KafkaTlsError: TLS handshake with 127\.0\.0\.1:\d+ failed for topic secure-\w+: .*unable to verify the first certificate$/
    )
  }
)

test(
  "SSL with a required client certificate: the PEM key store (ThingsBoard's \\n escapes) publishes; without it Kafka refuses",
  { skip: skip() },
  async (t) => {
    const kafka = cluster as KafkaCluster
    const trust = {
      'security.protocol': 'SSL',
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.certificates': escaped(kafka.tls.ca),
      'max.block.ms': '60000'
    }
    const withCert = await publish(t, 'MTLS', {
      ...trust,
      'ssl.keystore.type': 'PEM',
      'ssl.keystore.certificate.chain': escaped(kafka.tls.clientCert),
      'ssl.keystore.key': escaped(kafka.tls.clientKey)
    })
    assert.deepEqual(
      withCert.exits.map((e) => [e.relation, e.msg.metadata.offset]),
      [['Success', '0']]
    )
    assert.deepEqual(await stored(t, withCert.topic), ['0:T1:{"via":"MTLS"}'])
    const key = kafka.tls.clientKey.split('\n')[1] ?? ''
    const started = Date.now()
    const without = await publish(t, 'MTLS', trust)
    // Kafka answers a handshake without a certificate with a TLS alert and closes: final at once,
    // with the alert, as Java's SslAuthenticationException, not after max.block.ms (60 s).
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`)
    assert.equal(without.exits[0]?.relation, 'Failure')
    assert.equal(
      without.exits[0]?.msg.metadata.error,
      'class org.apache.kafka.common.errors.SslAuthenticationException: SSL handshake failed'
    )
    assert.match(
      without.exits[0]?.msg.metadata.errorDetail ?? '',
      /^KafkaTlsError: TLS handshake with 127\.0\.0\.1:\d+ failed for topic secure-\w+: Connection closed: .*alert (bad certificate|certificate required)/
    )
    assert.ok(!(without.exits[0]?.msg.metadata.error ?? '').includes(key))
  }
)

test(
  "Confluent Cloud's properties verbatim (SASL_SSL, PLAIN, client.dns.lookup) publish to Apache Kafka",
  { skip: skip() },
  async (t) => {
    const kafka = cluster as KafkaCluster
    const { topic, exits, warnings } = await publish(t, 'SASL_SSL', {
      'security.protocol': 'SASL_SSL',
      'sasl.mechanism': 'PLAIN',
      'sasl.jaas.config': jaas('plain.PlainLoginModule', USERS.plain.username, USERS.plain.password),
      'client.dns.lookup': 'use_all_dns_ips',
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.certificates': escaped(kafka.tls.ca)
    })
    assert.deepEqual(
      exits.map((e) => [e.relation, e.msg.metadata.topic, e.msg.metadata.offset]),
      [['Success', topic, '0']]
    )
    assert.deepEqual(await stored(t, topic), ['0:T1:{"via":"SASL_SSL"}'])
    assert.deepEqual(warnings, [])
  }
)
