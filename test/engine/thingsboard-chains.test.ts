import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { loadChain, type ChainExit } from '../../src/engine/chain.js'
import { createStreamLogger } from '../../src/engine/logger.js'
import { createDefaultRegistry } from '../../src/nodes/index.js'
import { ServiceMetrics } from '../../src/service/metrics.js'
import { makeMsg } from '../helpers/messages.js'

// The chains ThingsBoard ships (tenant root, device-profile template, edge root), as fixtures
// with their node types, configurations and connections.
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(`test/fixtures/thingsboard/${name}.json`, 'utf8')) as unknown

const TS = 'org.thingsboard.rule.engine.telemetry.TbMsgTimeseriesNode'
const ATTRIBUTES = 'org.thingsboard.rule.engine.telemetry.TbMsgAttributesNode'
const RPC = 'org.thingsboard.rule.engine.rpc.TbSendRPCRequestNode'
const PROFILE = 'org.thingsboard.rule.engine.profile.TbDeviceProfileNode'
const PUSH = 'org.thingsboard.rule.engine.edge.TbMsgPushToCloudNode'
const HINT = '; with --stub-unsupported each passes its messages on Success unchanged'

const unsupported: [string, string][] = [
  [
    'root_rule_chain',
    `3 nodes have types this engine does not support: "Save Timeseries" (${TS}, index 0), "Save Client Attributes" (${ATTRIBUTES}, index 1), "RPC Call Request" (${RPC}, index 5)${HINT}`
  ],
  [
    'device_profile_rule_chain',
    `4 nodes have types this engine does not support: "Save Timeseries" (${TS}, index 0), "Save Client Attributes" (${ATTRIBUTES}, index 1), "RPC Call Request" (${RPC}, index 5), "Device Profile Node" (${PROFILE}, index 6)${HINT}`
  ],
  [
    'edge_root_rule_chain',
    `5 nodes have types this engine does not support: "Save Timeseries" (${TS}, index 0), "Save Client Attributes" (${ATTRIBUTES}, index 1), "RPC Call Request" (${RPC}, index 5), "Push to cloud" (${PUSH}, index 6), "Push to cloud" (${PUSH}, index 7)${HINT}`
  ]
]

for (const [name, error] of unsupported) {
  test(`${name}: without stubs, one load error lists every unsupported node`, async () => {
    await assert.rejects(loadChain(fixture(name), createDefaultRegistry()), (e: Error) => {
      assert.equal(e.message, error)
      return true
    })
  })
}

const telemetry = makeMsg({
  metadata: { deviceName: 'T1', ts: '1732400000000' },
  data: '{"temperature":21.5}'
})
const attributes = makeMsg({ type: 'POST_ATTRIBUTES_REQUEST', data: '{"firmware":"1.2"}' })
const rpc = makeMsg({ type: 'RPC_CALL_FROM_SERVER_TO_DEVICE', data: '{"method":"reboot"}' })
const fromDevice = makeMsg({ type: 'TO_SERVER_RPC_REQUEST', data: '{"method":"time"}' })
const updated = makeMsg({ type: 'ATTRIBUTES_UPDATED', data: '{"mode":"eco"}' })
// JSON data: the log nodes run their scripts, and a script fails on data that is not JSON.
const custom = makeMsg({ type: 'CUSTOM', data: '{"note":"text"}' })
const all = [telemetry, attributes, rpc, fromDevice, updated, custom]

const routes: [string, string[]][] = [
  [
    'root_rule_chain',
    [
      'Save Timeseries/Success',
      'Save Client Attributes/Success',
      'RPC Call Request/Success',
      'Log RPC from Device/Success',
      'Message Type Switch/Attributes Updated',
      'Log Other/Success'
    ]
  ],
  [
    'device_profile_rule_chain',
    [
      'Save Timeseries/Success',
      'Save Client Attributes/Success',
      'RPC Call Request/Success',
      'Log RPC from Device/Success',
      'Message Type Switch/Attributes Updated',
      'Log Other/Success'
    ]
  ],
  [
    'edge_root_rule_chain',
    [
      'Push to cloud/Success',
      'Push to cloud/Success',
      'RPC Call Request/Success',
      'Log RPC from Device/Success',
      'Push to cloud/Success',
      'Log Other/Success'
    ]
  ]
]

for (const [name, expected] of routes) {
  test(`${name}: loads with stubs, which pass every message on unchanged, warned and counted`, async (t) => {
    const exits: ChainExit[] = []
    const warnings: string[] = []
    const logger = createStreamLogger({
      level: 'warn',
      stream: { write: (line: string) => warnings.push(line) }
    })
    const metrics = new ServiceMetrics()
    const chain = await loadChain(fixture(name), createDefaultRegistry(), {
      stubUnsupported: true,
      logger,
      onExit: (e) => exits.push(e),
      metricsFor: (node) => metrics.forNode(node)
    })
    t.after(() => chain.destroy())
    assert.match(
      warnings[0] ?? '',
      /^WARN stubbed \d nodes of unsupported types, passing messages on Success unchanged: "Save Timeseries" \(/
    )
    for (const msg of all) await chain.push(msg)
    await chain.drain()
    assert.deepEqual(
      exits.map((e) => `${e.node}/${e.relation}`),
      expected
    )
    // Every message leaves as it came: the stubs and the nodes on the way change nothing.
    assert.deepEqual(
      exits.map((e) => e.msg.toJSON()),
      all.map((m) => m.toJSON())
    )
    const text = await metrics.text()
    const stubbed = text.split('\n').filter((l) => l.startsWith('krn_stubbed_messages_total{'))
    const counts = Object.fromEntries(
      stubbed.map((l) => [l.slice(l.indexOf('"') + 1, l.lastIndexOf('"')), Number(l.split(' ').pop())])
    )
    const passed =
      name === 'edge_root_rule_chain'
        ? { 'Save Timeseries': 1, 'Save Client Attributes': 1, 'RPC Call Request': 1, 'Push to cloud': 3 }
        : { 'Save Timeseries': 1, 'Save Client Attributes': 1, 'RPC Call Request': 1 }
    const expectedCounts =
      name === 'device_profile_rule_chain' ? { ...passed, 'Device Profile Node': 6 } : passed
    assert.deepEqual(counts, expectedCounts)
  })
}
