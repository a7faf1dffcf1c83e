import assert from 'node:assert/strict'
import { eachBroker } from '../../helpers/broker-targets.js'
import { uniqueTopic } from '../../helpers/broker.js'
import { kafkaChain } from '../../helpers/kafka-chain.js'
import { kcatConsume } from '../../helpers/kcat.js'
import { makeMsg } from '../../helpers/messages.js'

eachBroker(
  'an idempotent producer compressing on its thread: many small lz4 batches of one partition, five requests in flight, land once each and in order',
  async (t, target) => {
    const topic = uniqueTopic('idem-lz4')
    await target.createTopic(topic, 1)
    const node = await kafkaChain(t, {
      topicPattern: topic,
      keyPattern: '${deviceName}',
      bootstrapServers: target.bootstrap,
      acks: '-1',
      retries: 3,
      // Batches of a few records each, sent as soon as a request slot is free: a partition has
      // several batches compressed and in flight at once, each needing the next sequence number.
      batchSize: 512,
      otherProperties: {
        'compression.type': 'lz4',
        'enable.idempotence': 'true',
        'max.in.flight.requests.per.connection': '5'
      }
    })
    const messages = Array.from({ length: 400 }, (_, i) =>
      makeMsg({
        metadata: { deviceName: `device-${i % 7}` },
        data: JSON.stringify({ n: i, pad: 'x'.repeat(60) })
      })
    )
    const exits = await node.run(messages)
    assert.deepEqual(
      exits.map((e) => [e.relation, e.msg.metadata.offset]),
      messages.map((_, i) => ['Success', String(i)])
    )
    const codecs = target.codecs(topic, 0)
    assert.ok(codecs.length > 10, `several batches, not ${codecs.length}`)
    assert.deepEqual(new Set(codecs), new Set(['lz4']))
    assert.deepEqual(
      await kcatConsume(target.bootstrap, topic, 0, '%o|%k|%s'),
      messages.map((msg, i) => `${i}|device-${i % 7}|${msg.data}`)
    )
  }
)
