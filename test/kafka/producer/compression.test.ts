import assert from 'node:assert/strict'
import zlib from 'node:zlib'
import { eachBroker } from '../../helpers/broker-targets.js'
import { uniqueTopic } from '../../helpers/broker.js'
import { javaConsume } from '../../helpers/java-consumer.js'
import { kafkaChain } from '../../helpers/kafka-chain.js'
import { kcatConsume } from '../../helpers/kcat.js'
import { makeMsg } from '../../helpers/messages.js'

const hasZstd = typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync === 'function'

for (const codec of ['gzip', 'snappy', 'lz4', 'zstd']) {
  eachBroker(
    `compression.type ${codec}: the broker stores ${codec} batches and kcat and the Java consumer read every record back`,
    async (t, target) => {
      if (codec === 'zstd' && !hasZstd)
        return t.skip(`zstd needs Node.js 22.15+ (this is ${process.version})`)
      const topic = uniqueTopic(codec)
      await target.createTopic(topic, 1)
      const node = await kafkaChain(t, {
        topicPattern: topic,
        keyPattern: '${deviceName}',
        bootstrapServers: target.bootstrap,
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
        exits.map((e) => [e.relation, e.msg.metadata.topic, e.msg.metadata.partition, e.msg.metadata.offset]),
        messages.map((_, i) => ['Success', topic, '0', String(i)])
      )
      assert.deepEqual(target.codecs(topic, 0), [codec])

      assert.deepEqual(
        await kcatConsume(target.bootstrap, topic, 0, '%o|%k|%h|%s'),
        messages.map((msg, i) => `${i}|device-${i}|tb_msg_md_deviceName=device-${i}|${msg.data}`)
      )
      // Apache Kafka's own consumer decompresses with the Java codecs the broker itself uses.
      if (target.kafka === undefined) return
      const java = await javaConsume(target.bootstrap, topic, 0, messages.length)
      assert.deepEqual(
        java.map((r) => [r.partition, r.offset, r.key?.toString(), r.headers, r.value?.toString()]),
        messages.map((msg, i) => [
          0,
          i,
          `device-${i}`,
          [['tb_msg_md_deviceName', Buffer.from(`device-${i}`)]],
          msg.data
        ])
      )
    }
  )
}
