import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startTestBroker, uniqueTopic } from '../../helpers/broker.js'
import { kafkaChain } from '../../helpers/kafka-chain.js'

/** Polls `probe` every 50 ms until it returns true; the ms it took, or a failure after `limitMs`. */
async function within(limitMs: number, what: string, probe: () => boolean): Promise<number> {
  const started = Date.now()
  while (!probe()) {
    if (Date.now() - started > limitMs) assert.fail(`${what} not within ${limitMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return Date.now() - started
}

test("the node's health follows the broker without traffic: down, back up, frozen, answering again", async (t) => {
  const broker = await startTestBroker(t, { partitions: 1 })
  const bootstrap = `127.0.0.1:${broker.port}`
  const node = await kafkaChain(t, { topicPattern: uniqueTopic('health'), bootstrapServers: bootstrap })
  const health = () => node.chain.health()[0]
  await within(2000, 'ok at start', () => health()?.ok === true)
  assert.deepEqual(health(), { node: 'Kafka', ok: true, detail: `connected to ${bootstrap}` })

  await broker.down()
  await within(3000, 'not ok once the broker is down', () => health()?.ok === false)
  assert.match(health()?.detail ?? '', new RegExp(`^cannot reach ${bootstrap}: KafkaConnectionError: `))

  await broker.up()
  await within(3000, 'ok once the broker is back', () => health()?.ok === true)

  // Frozen: connections accepted, nothing answered within the check's 2 s.
  broker.faults.delay(4000)
  await within(4000, 'not ok while the broker is frozen', () => health()?.ok === false)
  assert.equal(health()?.detail, `cannot reach ${bootstrap}: no answer within 2000 ms`)

  broker.faults.clear()
  await within(6000, 'ok once the broker answers again', () => health()?.ok === true)
  assert.equal(broker.requestCount('Produce'), 0)
})
