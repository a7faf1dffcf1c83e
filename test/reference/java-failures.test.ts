import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { runOracle } from '../../reference/oracle/oracle.js'
import { USERS } from '../../reference/kafka/cluster.js'
import { uniqueTopic } from '../helpers/broker.js'
import { openTarget } from '../helpers/broker-targets.js'
import { kafkaChain } from '../helpers/kafka-chain.js'
import { makeMsg } from '../helpers/messages.js'
import { referenceKafka } from '../helpers/reference-kafka.js'

// The `error` metadata on Failure is what ThingsBoard's TbKafkaNode writes, `e.getClass() + ": " +
// e.getMessage()` of the exception its Java producer reports: for each failure we can provoke on
// Apache Kafka, the node and a real KafkaProducer (the oracle, kafka-clients 4.1.1) meet it with
// the same configuration, and the texts must be equal.

interface Sent {
  readonly error?: string
}

/** What ThingsBoard writes for the Java producer's failure (Throwable.toString is "<class>: <message>"). */
const thingsBoardText = (javaToString: string | undefined): string => `class ${javaToString ?? '(delivered)'}`

/** One record through the Java producer: ThingsBoard's error text, or "(delivered)". */
async function javaFailure(
  bootstrap: string,
  topic: string,
  value: string,
  properties: Record<string, string>
): Promise<string> {
  const [answer] = await runOracle<Sent>(
    'produce',
    {
      bootstrap,
      topic,
      acks: '1',
      property: Object.entries({ retries: '0', ...properties }).map(([k, v]) => `${k}=${v}`)
    },
    [{ valueText: value }]
  )
  return thingsBoardText(answer?.error)
}

/** One message through the node: its relation, `error` and `errorDetail`. */
async function nodeFailure(
  t: TestContext,
  bootstrap: string,
  topic: string,
  value: string,
  properties: Record<string, string>
): Promise<{ relation: string; error: string | undefined; detail: string | undefined }> {
  const node = await kafkaChain(t, {
    topicPattern: topic,
    bootstrapServers: bootstrap,
    acks: '1',
    otherProperties: properties
  })
  const [exit] = await node.run([makeMsg({ data: value })])
  return {
    relation: exit?.relation ?? '(none)',
    error: exit?.msg.metadata.error,
    detail: exit?.msg.metadata.errorDetail
  }
}

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

test("no broker reachable: the Java producer's metadata TimeoutException with max.block.ms", async (t) => {
  const bootstrap = `127.0.0.1:${await closedPort()}`
  const topic = uniqueTopic('java-timeout')
  const properties = { 'max.block.ms': '700' }
  const java = await javaFailure(bootstrap, topic, 'v', properties)
  assert.equal(
    java,
    `class org.apache.kafka.common.errors.TimeoutException: Topic ${topic} not present in metadata after 700 ms.`
  )
  const node = await nodeFailure(t, bootstrap, topic, 'v', properties)
  assert.deepEqual([node.relation, node.error], ['Failure', java])
  assert.match(
    node.detail ?? '',
    /^KafkaTimeoutError: topic \S+ not present in metadata after 700 ms \(max\.block\.ms\)/
  )
})

test("a topic name Kafka refuses: the Java producer's InvalidTopicException", async (t) => {
  const { bootstrap } = await referenceKafka()
  const topic = `bad topic ${uniqueTopic('x')}`
  const java = await javaFailure(bootstrap, topic, 'v', {})
  assert.equal(java, `class org.apache.kafka.common.errors.InvalidTopicException: Invalid topics: [${topic}]`)
  const node = await nodeFailure(t, bootstrap, topic, 'v', {})
  assert.deepEqual([node.relation, node.error], ['Failure', java])
  assert.match(node.detail ?? '', /^KafkaBrokerError: broker answered INVALID_TOPIC_EXCEPTION \(17\)/)
})

test("a record over max.request.size: the Java producer's RecordTooLargeException with its size estimate", async (t) => {
  const { bootstrap } = await referenceKafka()
  const topic = uniqueTopic('java-request-size')
  const properties = { 'max.request.size': '1000' }
  for (const value of ['z'.repeat(2000), 'ü'.repeat(500), 'y'.repeat(920)]) {
    const java = await javaFailure(bootstrap, topic, value, properties)
    assert.match(
      java,
      /^class org\.apache\.kafka\.common\.errors\.RecordTooLargeException: The message is \d+ bytes/
    )
    const node = await nodeFailure(t, bootstrap, topic, value, properties)
    assert.deepEqual([node.relation, node.error], ['Failure', java])
  }
})

test("a record over the topic's max.message.bytes: Kafka's MESSAGE_TOO_LARGE as the Java producer reports it", async (t) => {
  const { bootstrap } = await referenceKafka()
  const target = await openTarget(t, 'Apache Kafka')
  const topic = uniqueTopic('java-message-size')
  await target.createTopic(topic, 1, { maxMessageBytes: 10_000 })
  const value = 'z'.repeat(20_000)
  const java = await javaFailure(bootstrap, topic, value, {})
  assert.equal(
    java,
    'class org.apache.kafka.common.errors.RecordTooLargeException: The request included a message larger than the max message size the server will accept.'
  )
  const node = await nodeFailure(t, bootstrap, topic, value, {})
  assert.deepEqual([node.relation, node.error], ['Failure', java])
  assert.match(node.detail ?? '', /^KafkaBrokerError: broker answered MESSAGE_TOO_LARGE \(10\)/)
})

test(
  "a refused SASL login: Kafka's answer in the Java producer's SaslAuthenticationException, no password in either key",
  { skip: process.env.KAFKA_BOOTSTRAP ? 'KAFKA_BOOTSTRAP names a Kafka without our users' : false },
  async (t) => {
    const { cluster } = await referenceKafka()
    assert.ok(cluster)
    const bootstrap = cluster.bootstrap('SASL_PLAINTEXT')
    const topic = uniqueTopic('java-sasl')
    const password = 'not-the-password-4711'
    const properties = {
      'security.protocol': 'SASL_PLAINTEXT',
      'sasl.mechanism': 'PLAIN',
      'sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required username="${USERS.plain.username}" password="${password}";`,
      'max.block.ms': '20000'
    }
    const java = await javaFailure(bootstrap, topic, 'v', properties)
    assert.equal(
      java,
      'class org.apache.kafka.common.errors.SaslAuthenticationException: Authentication failed: Invalid username or password'
    )
    const node = await nodeFailure(t, bootstrap, topic, 'v', properties)
    assert.deepEqual([node.relation, node.error], ['Failure', java])
    assert.ok(!`${node.error ?? ''} ${node.detail ?? ''}`.includes(password))
  }
)
