import { test } from 'node:test'
import assert from 'node:assert/strict'
import { kafkaChainFile } from '../helpers/chain-file.js'
import { address, startTestBroker, uniqueTopic } from '../helpers/broker.js'
import { startCli } from '../helpers/cli.js'
import type { Broker } from '../../src/broker/index.js'

const COUNT = 50_000

const chainFile = (broker: Broker, topic: string): string =>
  kafkaChainFile({
    topicPattern: topic,
    keyPattern: '${n}',
    bootstrapServers: address(broker),
    batchSize: 262144
  })

const input =
  Array.from({ length: COUNT }, (_, n) => `{"type":"T","metadata":{"n":"${n}"},"data":{"n":${n}}}`).join(
    '\n'
  ) + '\n'

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 20))
  }
}

test('SIGTERM with 50,000 messages in flight delivers every one of them before exit 0', async (t) => {
  const broker = await startTestBroker(t, { partitions: 3 })
  const topic = uniqueTopic('stop')
  broker.createTopic(topic, 3)
  // Slow answers keep the messages in the node when the signal comes.
  broker.faults.delay(500, 'Produce')
  const cli = startCli(['run', chainFile(broker, topic), '--log-level', 'error'])
  t.after(() => cli.child.kill('SIGKILL'))
  cli.child.stdin.write(input)
  await until(() => broker.requestCount('Produce') >= 3, 30_000)
  const stored = (): number => [0, 1, 2].reduce((sum, p) => sum + broker.highWatermark(topic, p), 0)
  assert.ok(stored() < COUNT, 'messages are still in flight when SIGTERM comes')
  cli.child.kill('SIGTERM')
  const result = await cli.exited
  assert.equal(result.code, 0, result.stderr)
  assert.match(result.stderr, /SIGTERM: stopping; messages in the chain are delivered or failed before exit/)
  const exits = result.stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as { relation: string; msg: { metadata: Record<string, string> } })
  // Every message read before the signal left on a relation exactly once, and is in the topic.
  const ns = new Set(exits.map((e) => e.msg.metadata.n))
  assert.equal(ns.size, exits.length)
  assert.equal(exits.length, COUNT)
  assert.equal(exits.filter((e) => e.relation === 'Success').length, COUNT)
  assert.equal(stored(), COUNT)
  const offsets = new Set(exits.map((e) => `${e.msg.metadata.partition}:${e.msg.metadata.offset}`))
  assert.equal(offsets.size, COUNT)
})

test('a second SIGTERM exits at once with status 143', async (t) => {
  const broker = await startTestBroker(t, { partitions: 1 })
  const topic = uniqueTopic('stop2')
  broker.createTopic(topic, 1)
  broker.faults.delay(60_000, 'Produce')
  const cli = startCli(['run', chainFile(broker, topic), '--log-level', 'error'])
  t.after(() => cli.child.kill('SIGKILL'))
  cli.child.stdin.write(input.slice(0, 10_000))
  await until(() => broker.requestCount('Produce') >= 1, 30_000)
  cli.child.kill('SIGTERM')
  await cli.waitForStderr(/SIGTERM: stopping/)
  cli.child.kill('SIGTERM')
  const result = await cli.exited
  assert.equal(result.code, 143)
})
