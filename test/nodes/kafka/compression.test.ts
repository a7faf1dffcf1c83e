import { test } from 'node:test'
import assert from 'node:assert/strict'
import zlib from 'node:zlib'
import { address, startTestBroker, uniqueTopic } from '../../helpers/broker.js'
import { kafkaChain } from '../../helpers/kafka-chain.js'
import { makeMsg } from '../../helpers/messages.js'
import { kcatConsume } from '../../helpers/kcat.js'

const hasZstd = typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync === 'function'

for (const codec of ['gzip', 'snappy', 'lz4', 'zstd']) {
  test(`compression.type ${codec}: the broker stores ${codec} batches and kcat reads every record back`, async (t) => {
    if (codec === 'zstd' && !hasZstd) return t.skip(`zstd needs Node.js 22.15+ (this is ${process.version})`)
    const broker = await startTestBroker(t, { partitions: 1 })
    const topic = uniqueTopic(codec)
    const node = await kafkaChain(t, {
      topicPattern: topic,
      keyPattern: '${deviceName}',
      bootstrapServers: address(broker),
      // A batch of all 50 records: one compressed batch to read back.
      linger: 20,
      addMetadataKeyValuesAsKafkaHeaders: true,
      kafkaHeadersCharset: 'UTF-8',
      otherProperties: { 'compression.type': codec }
    })
    const messages = Array.from({ length: 50 }, (_, i) =>
      makeMsg({
        metadata: { deviceName: `device-${i}` },
        data: JSON.stringify({ n: i, text: 'repeated text compresses well '.repeat(4) })
      })
    )
    const exits = await node.run(messages)
    assert.deepEqual(
      exits.map((e) => [e.relation, e.msg.metadata.offset]),
      messages.map((_, i) => ['Success', String(i)])
    )
    assert.deepEqual(broker.codecs(topic, 0), [codec])

    assert.deepEqual(
      await kcatConsume(broker, topic, 0, '%o|%k|%h|%s'),
      messages.map((msg, i) => `${i}|device-${i}|tb_msg_md_deviceName=device-${i}|${msg.data}`)
    )
  })
}
