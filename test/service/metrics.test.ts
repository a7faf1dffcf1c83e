import { test } from 'node:test'
import assert from 'node:assert/strict'
import { loadChain } from '../../src/engine/chain.js'
import { ServiceMetrics } from '../../src/service/metrics.js'
import { makeMsg } from '../helpers/messages.js'
import { chainExport, testRegistry } from '../helpers/test-nodes.js'

const SWITCH = 'org.thingsboard.rule.engine.filter.TbMsgTypeSwitchNode'
const LOG = 'org.thingsboard.rule.engine.action.TbLogNode'

/** The lines of the exposition whose names start with one of `prefixes`. */
const linesOf = (text: string, ...prefixes: string[]): string[] =>
  text.split('\n').filter((line) => prefixes.some((prefix) => line.startsWith(prefix)))

test('the chain counts are read at scrape time: in, out per relation, per node, in flight', async (t) => {
  const metrics = new ServiceMetrics()
  const chain = await loadChain(
    chainExport(
      [
        { type: SWITCH, name: 'Switch' },
        { type: LOG, name: 'Log' }
      ],
      [[0, 1, 'Post telemetry']]
    ),
    testRegistry(),
    { metricsFor: (node) => metrics.forNode(node) }
  )
  t.after(() => chain.destroy())
  metrics.attachChain(chain)
  assert.deepEqual(linesOf(await metrics.text(), 'krn_messages_'), [
    'krn_messages_in_total 0',
    'krn_messages_in_flight 0'
  ])
  for (const type of ['POST_TELEMETRY_REQUEST', 'POST_ATTRIBUTES_REQUEST', 'POST_TELEMETRY_REQUEST'])
    await chain.push(makeMsg({ type }))
  await chain.drain()
  assert.deepEqual(linesOf(await metrics.text(), 'krn_messages_', 'krn_node_'), [
    'krn_messages_in_total 3',
    'krn_messages_out_total{relation="Success"} 2',
    'krn_messages_out_total{relation="Post attributes"} 1',
    'krn_messages_in_flight 0',
    'krn_node_messages_in_total{node="Switch"} 3',
    'krn_node_messages_in_total{node="Log"} 2',
    'krn_node_messages_out_total{node="Switch",relation="Post telemetry"} 2',
    'krn_node_messages_out_total{node="Switch",relation="Post attributes"} 1',
    'krn_node_messages_out_total{node="Log",relation="Success"} 2'
  ])
})

test("a node's counters start at 0, gauges are read at scrape time, histograms count observations; all labelled with the node", async () => {
  const metrics = new ServiceMetrics()
  const a = metrics.forNode({ name: 'A' })
  const b = metrics.forNode({ name: 'B' })
  const sent = a.counter('sent_total', 'Records sent')
  b.counter('sent_total', 'Records sent')
  sent.inc()
  sent.inc(4)
  let held = 7
  a.gauge('held', 'Records held', () => held)
  const latency = a.histogram('latency_seconds', 'Latency', [0.1, 1])
  latency.observe(0.05)
  latency.observe(0.5)
  latency.observe(5)
  held = 9
  const text = await metrics.text()
  assert.deepEqual(linesOf(text, 'krn_sent_total', 'krn_held', 'krn_latency_seconds'), [
    'krn_sent_total{node="A"} 5',
    'krn_sent_total{node="B"} 0',
    'krn_held{node="A"} 9',
    'krn_latency_seconds_bucket{le="0.1",node="A"} 1',
    'krn_latency_seconds_bucket{le="1",node="A"} 2',
    'krn_latency_seconds_bucket{le="+Inf",node="A"} 3',
    'krn_latency_seconds_sum{node="A"} 5.55',
    'krn_latency_seconds_count{node="A"} 3'
  ])
  assert.match(text, /^# HELP krn_sent_total Records sent$/m)
  assert.match(text, /^krn_process_resident_memory_bytes \d+$/m)
})
