import { test } from 'node:test'
import assert from 'node:assert/strict'
import { address, startTestBroker, uniqueTopic } from '../../helpers/broker.js'
import { kafkaChain } from '../../helpers/kafka-chain.js'
import { makeMsg } from '../../helpers/messages.js'
import { kcatConsume } from '../../helpers/kcat.js'

// A broker capped at Produce v7 answers a v9 request with UNSUPPORTED_VERSION, so a message that
// arrives proves the node chose the version the broker offered.
for (const [produce, kafka] of [
  [7, '2.1-2.3'],
  [8, '2.4-2.7']
] as const) {
  test(`a broker that speaks Produce up to v${produce} (Kafka ${kafka}): records, keys and headers arrive as kcat reads them`, async (t) => {
    const broker = await startTestBroker(t, { partitions: 1, maxVersions: { Produce: produce } })
    const topic = uniqueTopic(`v${produce}`)
    const node = await kafkaChain(t, {
      topicPattern: topic,
      keyPattern: '${deviceName}',
      bootstrapServers: address(broker),
      addMetadataKeyValuesAsKafkaHeaders: true
    })
    const exits = await node.run(
      [1, 2, 3].map((n) => makeMsg({ metadata: { deviceName: `d${n}` }, data: `{"n":${n}}` }))
    )
    assert.deepEqual(
      exits.map((e) => [e.relation, e.msg.metadata.offset]),
      [
        ['Success', '0'],
        ['Success', '1'],
        ['Success', '2']
      ]
    )
    assert.deepEqual(await kcatConsume(address(broker), topic, 0, '%o|%k|%h|%s'), [
      '0|d1|tb_msg_md_deviceName=d1|{"n":1}',
      '1|d2|tb_msg_md_deviceName=d2|{"n":2}',
      '2|d3|tb_msg_md_deviceName=d3|{"n":3}'
    ])
  })
}

test('a broker older than Kafka 2.1 (Produce up to v6): every message fails with the versions named', async (t) => {
  const broker = await startTestBroker(t, { partitions: 1, maxVersions: { Produce: 6 } })
  const node = await kafkaChain(t, { topicPattern: uniqueTopic('v6'), bootstrapServers: address(broker) })
  const exits = await node.run([makeMsg(), makeMsg()])
  assert.deepEqual(
    exits.map((e) => [e.relation, e.msg.metadata.error, e.msg.metadata.errorDetail]),
    [0, 1].map(() => [
      'Failure',
      'class org.apache.kafka.common.errors.UnsupportedVersionException: The version of API is not supported.',
      'KafkaBrokerError: the broker speaks Produce versions 3-6; the node needs 7, 8 or 9 (Kafka 2.1 or later)'
    ])
  )
  assert.equal(broker.requestCount('Produce'), 0)
})
