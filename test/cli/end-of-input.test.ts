import { test } from 'node:test'
import assert from 'node:assert/strict'
import { kafkaChainFile } from '../helpers/chain-file.js'
import { address, startTestBroker, uniqueTopic } from '../helpers/broker.js'
import { runInProcess } from '../helpers/cli.js'

// Java's producer sends what it holds at once on flush() and close(); at the end of its input a
// run does not wait out the Kafka node's linger (issue 11, item 15).
test(
  'the end of input sends what a long linger holds at once: the run ends with every message on Success',
  { timeout: 60_000 },
  async (t) => {
    const broker = await startTestBroker(t, { partitions: 1 })
    const topic = uniqueTopic('end')
    const path = kafkaChainFile({
      topicPattern: topic,
      bootstrapServers: address(broker),
      // Ten minutes: a run that waited for it would outlast the test's timeout of one minute.
      linger: 600_000
    })
    const input = [0, 1, 2].map((n) => `{"type":"T","data":{"n":${n}}}`).join('\n') + '\n'
    // In-process: the end of input is the end of the stream given to the run.
    const run = await runInProcess(path, input)
    assert.deepEqual(run.summary, { lines: 3, badLines: 0, entered: 3, left: 3 })
    const out = run.stdout
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as { relation: string; msg: { data: string; metadata: Record<string, string> } }
      )
    assert.deepEqual(
      out.map((o) => [o.relation, o.msg.data, o.msg.metadata.offset]),
      [
        ['Success', '{"n":0}', '0'],
        ['Success', '{"n":1}', '1'],
        ['Success', '{"n":2}', '2']
      ]
    )
    assert.deepEqual(
      broker.records(topic, 0).map((r) => r.value?.toString()),
      ['{"n":0}', '{"n":1}', '{"n":2}']
    )
  }
)
