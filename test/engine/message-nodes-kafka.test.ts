import assert from 'node:assert/strict'
import { loadChain, type ChainExit } from '../../src/engine/chain.js'
import { createDefaultRegistry } from '../../src/nodes/index.js'
import { eachBroker } from '../helpers/broker-targets.js'
import { uniqueTopic } from '../helpers/broker.js'
import { kcatConsume } from '../helpers/kcat.js'
import { makeMsg } from '../helpers/messages.js'
import { chainExport } from '../helpers/test-nodes.js'

const T = 'org.thingsboard.rule.engine.'

// A chain as a ThingsBoard user builds it around the Kafka node: take the readings out of a
// gateway's body, one message per reading, its sensor into the metadata, published keyed by it.
eachBroker(
  'JSON path -> split array -> copy keys -> Kafka publishes each reading as Jackson writes it',
  async (t, target) => {
    const topic = uniqueTopic('readings')
    await target.createTopic(topic, 1)
    const exits: ChainExit[] = []
    const chain = await loadChain(
      chainExport(
        [
          { type: `${T}filter.TbMsgTypeFilterNode`, name: 'Telemetry only' },
          {
            type: `${T}transform.TbJsonPathNode`,
            name: 'Readings',
            configuration: { jsonPath: '$.readings' }
          },
          { type: `${T}transform.TbSplitArrayMsgNode`, name: 'Split' },
          {
            type: `${T}transform.TbCopyKeysNode`,
            name: 'Sensor to metadata',
            configuration: { copyFrom: 'DATA', keys: ['sensor'] }
          },
          {
            type: `${T}kafka.TbKafkaNode`,
            name: 'Kafka',
            configuration: {
              topicPattern: topic,
              keyPattern: '${sensor}',
              bootstrapServers: target.bootstrap
            }
          }
        ],
        [
          [0, 1, 'True'],
          [1, 2, 'Success'],
          [2, 3, 'Success'],
          [3, 4, 'Success']
        ]
      ),
      createDefaultRegistry(),
      { onExit: (e) => exits.push(e) }
    )
    t.after(() => chain.destroy())
    await chain.push(
      makeMsg({
        data: '{"gateway":"g1","readings":[{"sensor":"a","t":1.50},{"sensor":"b","t":2e1,"\\u00e9":true}]}'
      })
    )
    await chain.push(makeMsg({ type: 'CUSTOM', data: '{"readings":[{"sensor":"c"}]}' }))
    await chain.push(makeMsg({ data: '{"readings":[]}' }))
    await chain.drain()
    assert.deepEqual(
      exits.map((e) => [e.node, e.relation, e.msg.metadata.sensor, e.msg.metadata.offset, e.msg.data]),
      // The Kafka node tells its messages once the broker acknowledged them: after the filtered one.
      [
        ['Telemetry only', 'False', undefined, undefined, '{"readings":[{"sensor":"c"}]}'],
        ['Kafka', 'Success', 'a', '0', '{"sensor":"a","t":1.5}'],
        ['Kafka', 'Success', 'b', '1', '{"sensor":"b","t":20.0,"é":true}']
      ]
    )
    // The empty array was consumed by the split node.
    assert.equal(chain.consumed, 1)
    assert.deepEqual(await kcatConsume(target.bootstrap, topic, 0, '%o|%k|%s'), [
      '0|a|{"sensor":"a","t":1.5}',
      '1|b|{"sensor":"b","t":20.0,"é":true}'
    ])
  }
)
