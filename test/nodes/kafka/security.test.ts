import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startTestBroker, uniqueTopic } from '../../helpers/broker.js'
import { kafkaChain } from '../../helpers/kafka-chain.js'
import { makeMsg } from '../../helpers/messages.js'
import { testCertificate } from '../../helpers/tls.js'

const USERS = { 'API-KEY': 'api-secret', alice: 'alice-secret' }

// ThingsBoard's documented Confluent Cloud settings, with the PEM trust store our test CA needs.
function confluentProperties(key: string, secret: string, ca: string): Record<string, string> {
  return {
    'security.protocol': 'SASL_SSL',
    'sasl.mechanism': 'PLAIN',
    'sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required username="${key}" password="${secret}";`,
    'client.dns.lookup': 'use_all_dns_ips',
    'ssl.truststore.type': 'PEM',
    // As a ThingsBoard export stores PEM text: newlines written as \n.
    'ssl.truststore.certificates': ca.replaceAll('\n', '\\n')
  }
}

test("Confluent Cloud's properties work verbatim: SASL PLAIN over TLS with SNI", async (t) => {
  const { cert, key } = testCertificate()
  const broker = await startTestBroker(t, {
    host: '127.0.0.1',
    partitions: 1,
    tls: { cert, key },
    saslUsers: USERS
  })
  const topic = uniqueTopic('cc')
  const node = await kafkaChain(t, {
    topicPattern: topic,
    bootstrapServers: `localhost:${broker.port}`,
    otherProperties: confluentProperties('API-KEY', 'api-secret', cert)
  })
  const exits = await node.run([makeMsg({ data: '{"secure":true}' })])
  assert.deepEqual(
    exits.map((e) => [e.relation, e.msg.metadata.topic, e.msg.metadata.offset]),
    [['Success', topic, '0']]
  )
  assert.deepEqual(
    broker.records(topic, 0).map((r) => r.value?.toString()),
    ['{"secure":true}']
  )
  assert.deepEqual(node.warnings, [])
})

test('SCRAM-SHA-512 over TLS: the right password publishes, the wrong one fails every message at once with the broker answer', async (t) => {
  const { cert, key } = testCertificate()
  const broker = await startTestBroker(t, { partitions: 1, tls: { cert, key }, saslUsers: USERS })
  const topic = uniqueTopic('scram')
  const properties = (password: string): Record<string, string> => ({
    'security.protocol': 'SASL_SSL',
    'sasl.mechanism': 'SCRAM-SHA-512',
    'sasl.jaas.config': `org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="${password}";`,
    'ssl.truststore.type': 'PEM',
    'ssl.truststore.certificates': cert,
    'max.block.ms': '1000'
  })
  const good = await kafkaChain(t, {
    topicPattern: topic,
    bootstrapServers: `localhost:${broker.port}`,
    otherProperties: properties('alice-secret')
  })
  assert.deepEqual(
    (await good.run([makeMsg()])).map((e) => e.relation),
    ['Success']
  )
  const bad = await kafkaChain(t, {
    topicPattern: topic,
    bootstrapServers: `localhost:${broker.port}`,
    otherProperties: properties('wrong')
  })
  const exits = await bad.run([makeMsg(), makeMsg()])
  assert.deepEqual(
    exits.map((e) => e.relation),
    ['Failure', 'Failure']
  )
  assert.equal(
    exits[0]?.msg.metadata.error,
    'class org.apache.kafka.common.errors.SaslAuthenticationException: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512'
  )
  assert.match(
    exits[0]?.msg.metadata.errorDetail ?? '',
    /^KafkaBrokerError: broker answered SASL_AUTHENTICATION_FAILED \(58\) for topic scram-\w+: SASL authentication failed/
  )
  assert.equal(broker.highWatermark(topic, 0), 1)
})

test('an untrusted certificate fails the messages; host-name checking can be switched off', async (t) => {
  const { cert, key } = testCertificate()
  const broker = await startTestBroker(t, { partitions: 1, tls: { cert, key } })
  const topic = uniqueTopic('tls')
  const untrusted = await kafkaChain(t, {
    topicPattern: topic,
    bootstrapServers: `127.0.0.1:${broker.port}`,
    otherProperties: { 'security.protocol': 'SSL', 'max.block.ms': '500' }
  })
  const [failed] = await untrusted.run([makeMsg()])
  assert.equal(failed?.relation, 'Failure')
  assert.match(failed?.msg.metadata.errorDetail ?? '', /^KafkaTlsError: .*self[- ]signed certificate/)
  assert.equal(
    failed?.msg.metadata.error,
    'class org.apache.kafka.common.errors.SslAuthenticationException: SSL handshake failed'
  )
  // Trusted, reached by a name the certificate does not hold: only without host-name verification.
  const otherName = await kafkaChain(t, {
    topicPattern: topic,
    bootstrapServers: `127.0.0.1:${broker.port}`,
    otherProperties: {
      'security.protocol': 'SSL',
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.certificates': cert,
      'ssl.endpoint.identification.algorithm': ''
    }
  })
  assert.deepEqual(
    (await otherName.run([makeMsg()])).map((e) => e.relation),
    ['Success']
  )
})

test("TLS failures fail every waiting message at once with the cause, as Java's SslAuthenticationException, not after max.block.ms: an untrusted certificate, a broker whose advertised host the certificate does not name", async (t) => {
  const localhostOnly = testCertificate('DNS:localhost')
  const broker = await startTestBroker(t, { host: '127.0.0.1', partitions: 1, tls: localhostOnly })
  const topic = uniqueTopic('tls-fail')
  const patient = { 'security.protocol': 'SSL', 'max.block.ms': '60000', 'delivery.timeout.ms': '120000' }
  const untrusted = await kafkaChain(t, {
    topicPattern: topic,
    bootstrapServers: `localhost:${broker.port}`,
    otherProperties: patient
  })
  let started = Date.now()
  const refused = await untrusted.run([makeMsg(), makeMsg()])
  assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`)
  assert.deepEqual(
    refused.map((e) => e.relation),
    ['Failure', 'Failure']
  )
  for (const exit of refused)
    assert.match(
      exit.msg.metadata.errorDetail ?? '',
      /^KafkaTlsError: TLS handshake with localhost:\d+ failed for topic tls-fail-\w+: .*self[- ]signed certificate$/
    )
  // Trusted and right for the bootstrap host (localhost), wrong for the broker's own (127.0.0.1).
  const mismatch = await kafkaChain(t, {
    topicPattern: topic,
    bootstrapServers: `localhost:${broker.port}`,
    otherProperties: {
      ...patient,
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.certificates': localhostOnly.cert
    }
  })
  started = Date.now()
  const wrongHost = await mismatch.run([makeMsg(), makeMsg()])
  assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`)
  assert.deepEqual(
    wrongHost.map((e) => e.relation),
    ['Failure', 'Failure']
  )
  for (const exit of wrongHost)
    assert.match(
      exit.msg.metadata.errorDetail ?? '',
      /^KafkaTlsError: .*IP: 127\.0\.0\.1 is not in the cert's list/
    )
  assert.equal(broker.highWatermark(topic, 0), 0)
})
