import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { eachBroker } from '../../helpers/broker-targets.js'
import { startTestBroker, uniqueTopic } from '../../helpers/broker.js'
import { kafkaChain } from '../../helpers/kafka-chain.js'
import { makeMsg } from '../../helpers/messages.js'

// bootstrapServers in the forms the Java client takes, end to end: the protocol prefix that
// ThingsBoard users copy from their broker's listeners, and an IPv6 address in brackets.

const text = (buffer: Buffer | null): string | null => (buffer === null ? null : buffer.toString('utf8'))

eachBroker(
  'bootstrapServers "PLAINTEXT://host:port, …" with spaces: published at exact offsets',
  async (t, target) => {
    const topic = uniqueTopic('prefixed')
    await target.createTopic(topic, 1)
    const servers = target.bootstrap
      .split(',')
      .map((server) => `PLAINTEXT://${server}`)
      .join(' , ')
    const node = await kafkaChain(t, { topicPattern: topic, bootstrapServers: servers })
    const exits = await node.run([makeMsg({ data: 'a' }), makeMsg({ data: 'b' })])
    assert.deepEqual(
      exits.map((e) => [e.relation, e.msg.metadata.topic, e.msg.metadata.partition, e.msg.metadata.offset]),
      [
        ['Success', topic, '0', '0'],
        ['Success', topic, '0', '1']
      ]
    )
    assert.deepEqual(
      (await target.read(topic, 0)).map((r) => [r.offset, text(r.value)]),
      [
        [0, 'a'],
        [1, 'b']
      ]
    )
  }
)

/** Why IPv6 loopback cannot be used here, or undefined when it can. */
async function noIpv6Loopback(): Promise<string | undefined> {
  const server = createServer()
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '::1', resolve)
    })
    return undefined
  } catch (error) {
    return `this machine has no IPv6 loopback (::1): ${(error as Error).message}`
  } finally {
    server.close()
  }
}

test('bootstrapServers "[::1]:port": published to a broker listening on IPv6 loopback', async (t) => {
  const reason = await noIpv6Loopback()
  if (reason !== undefined) {
    t.skip(reason)
    return
  }
  const broker = await startTestBroker(t, { host: '::1', partitions: 1 })
  const topic = uniqueTopic('ipv6')
  broker.createTopic(topic, 1)
  const node = await kafkaChain(t, {
    topicPattern: topic,
    keyPattern: '${deviceName}',
    bootstrapServers: `[::1]:${broker.port}`
  })
  const exits = await node.run([makeMsg({ metadata: { deviceName: 'T1' }, data: 'v6' })])
  assert.deepEqual(
    exits.map((e) => [e.relation, e.msg.metadata.partition, e.msg.metadata.offset]),
    [['Success', '0', '0']]
  )
  assert.deepEqual(
    broker.records(topic, 0).map((r) => [text(r.key), text(r.value)]),
    [['T1', 'v6']]
  )
  assert.deepEqual(node.chain.health()[0], {
    node: 'Kafka',
    ok: true,
    detail: `connected to [::1]:${broker.port}`
  })
})
