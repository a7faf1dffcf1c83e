import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startCli } from '../helpers/cli.js'
import { address, startTestBroker, uniqueTopic } from '../helpers/broker.js'

function metric(text: string, name: string): number {
  const match = new RegExp(`^${name.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)
  return match === null ? Number.NaN : Number(match[1])
}

test('the service publishes HTTP telemetry to Kafka; /metrics counts match, /healthz follows the broker', async (t) => {
  const broker = await startTestBroker(t, { partitions: 2 })
  const dir = mkdtempSync(join(tmpdir(), 'krn-svc-'))
  const topic = uniqueTopic('svc')
  const chain = JSON.parse(readFileSync('examples/demo-chain.json', 'utf8')) as {
    metadata: { nodes: { configuration: Record<string, unknown> }[] }
  }
  const kafka = chain.metadata.nodes[1] as { configuration: Record<string, unknown> }
  kafka.configuration = {
    ...kafka.configuration,
    topicPattern: topic,
    bootstrapServers: address(broker),
    otherProperties: { 'max.block.ms': '500' }
  }
  writeFileSync(join(dir, 'chain.json'), JSON.stringify(chain))
  const cli = startCli([
    'run',
    join(dir, 'chain.json'),
    '--http',
    '0',
    '--devices',
    'examples/devices.json',
    '--log-level',
    'error'
  ])
  t.after(() => cli.child.kill('SIGKILL'))
  cli.child.stdin.end()
  const { base } = await cli.http()
  for (let i = 0; i < 10; i++) {
    const response = await fetch(`${base}/api/v1/${i % 2 === 0 ? 'T1-token' : 'M1-token'}/telemetry`, {
      method: 'POST',
      body: JSON.stringify({ i })
    })
    assert.equal(response.status, 200)
  }
  let text = ''
  for (let i = 0; i < 100; i++) {
    text = await (await fetch(`${base}/metrics`)).text()
    if (metric(text, 'krn_kafka_records_total{node="Publish to Kafka"}') === 10) break
    await new Promise((r) => setTimeout(r, 50))
  }
  assert.equal(metric(text, 'krn_messages_in_total'), 10)
  assert.equal(metric(text, 'krn_kafka_records_total{node="Publish to Kafka"}'), 10)
  assert.equal(metric(text, 'krn_kafka_errors_total{node="Publish to Kafka"}'), 0)
  assert.equal(metric(text, 'krn_messages_out_total{relation="Success"}'), 10)
  assert.equal(metric(text, 'krn_kafka_buffer_bytes{node="Publish to Kafka"}'), 0)
  assert.ok(metric(text, 'krn_kafka_batches_total{node="Publish to Kafka"}') >= 1)
  // One latency sample per produce request, which may carry a batch for each partition (it does
  // when records wait for the topic's metadata, as they do behind an auto-creation).
  const requests = metric(text, 'krn_kafka_produce_latency_seconds_count{node="Publish to Kafka"}')
  assert.ok(requests >= 1 && requests <= metric(text, 'krn_kafka_batches_total{node="Publish to Kafka"}'))
  assert.equal((await fetch(`${base}/healthz`)).status, 200)
  assert.equal(broker.highWatermark(topic, 0) + broker.highWatermark(topic, 1), 10)

  await broker.down()
  await fetch(`${base}/api/v1/T1-token/telemetry`, { method: 'POST', body: '{"down":true}' })
  let health = 200
  for (let i = 0; i < 100 && health === 200; i++) {
    await new Promise((r) => setTimeout(r, 50))
    health = (await fetch(`${base}/healthz`)).status
  }
  assert.equal(health, 503)
  cli.child.kill('SIGTERM')
  const result = await cli.exited
  assert.equal(result.code, 0)
  const exits = result.stdout
    .trimEnd()
    .split('\n')
    .map(
      (l) => JSON.parse(l) as { relation: string; node: string; msg: { metadata: Record<string, string> } }
    )
  assert.equal(exits.length, 11)
  // Published ones leave from the Kafka node; the failed one went Failure -> log, and leaves the log node.
  assert.equal(exits.filter((e) => e.node === 'Publish to Kafka' && e.relation === 'Success').length, 10)
  const failed = exits.find((e) => e.node === 'Log Failure')
  assert.equal(failed?.relation, 'Success')
  assert.match(failed?.msg.metadata.errorDetail ?? '', /^Kafka\w+Error: /)
  // ThingsBoard's text: the Java producer's exception for the broker that went away.
  assert.match(failed?.msg.metadata.error ?? '', /^class org\.apache\.kafka\.common\.errors\.\w+Exception: /)
})
