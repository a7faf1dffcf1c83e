import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runCli } from '../helpers/cli.js'

const ROOT = 'test/fixtures/thingsboard/root_rule_chain.json'
const ORIGINATOR = { entityType: 'DEVICE', id: '00000000-0000-4000-8000-0000000000aa' }

const input = [
  {
    id: '00000000-0000-4000-8000-000000000001',
    ts: 1732400000000,
    type: 'POST_TELEMETRY_REQUEST',
    originator: ORIGINATOR,
    metadata: { deviceName: 'T1' },
    data: { temperature: 21.5 }
  },
  {
    id: '00000000-0000-4000-8000-000000000002',
    ts: 1732400000001,
    type: 'CUSTOM',
    originator: ORIGINATOR,
    metadata: {},
    data: { note: 'text' }
  }
]
  .map((m) => JSON.stringify(m))
  .join('\n')

test("run --stub-unsupported: ThingsBoard's root chain runs, the stubs named in a warning", async () => {
  const result = await runCli(['run', ROOT, '--stub-unsupported', '--log-level', 'warn'], input + '\n')
  assert.equal(result.code, 0)
  assert.equal(
    result.stdout,
    '{"relation":"Success","node":"Save Timeseries","msg":{"id":"00000000-0000-4000-8000-000000000001","ts":1732400000000,"type":"POST_TELEMETRY_REQUEST","originator":{"entityType":"DEVICE","id":"00000000-0000-4000-8000-0000000000aa"},"metadata":{"deviceName":"T1"},"dataType":"JSON","data":"{\\"temperature\\":21.5}"}}\n' +
      '{"relation":"Success","node":"Log Other","msg":{"id":"00000000-0000-4000-8000-000000000002","ts":1732400000001,"type":"CUSTOM","originator":{"entityType":"DEVICE","id":"00000000-0000-4000-8000-0000000000aa"},"metadata":{},"dataType":"JSON","data":"{\\"note\\":\\"text\\"}"}}\n'
  )
  // Logs are pino's JSON lines.
  const warnings = result.stderr
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { level: number; msg: string })
    .filter((entry) => entry.msg.startsWith('stubbed'))
  assert.deepEqual(
    warnings.map((w) => [w.level, w.msg]),
    [
      [
        40,
        'stubbed 3 nodes of unsupported types, passing messages on Success unchanged: "Save Timeseries" (org.thingsboard.rule.engine.telemetry.TbMsgTimeseriesNode, index 0), "Save Client Attributes" (org.thingsboard.rule.engine.telemetry.TbMsgAttributesNode, index 1), "RPC Call Request" (org.thingsboard.rule.engine.rpc.TbSendRPCRequestNode, index 5)'
      ]
    ]
  )
})

test('run without --stub-unsupported: exit 1, one error naming the file and every unsupported node', async () => {
  const result = await runCli(['run', ROOT], input)
  assert.equal(result.code, 1)
  assert.equal(result.stdout, '')
  assert.equal(
    result.stderr,
    `kafka-rule-node: ChainLoadError: rule chain ${ROOT}: 3 nodes have types this engine does not support: "Save Timeseries" (org.thingsboard.rule.engine.telemetry.TbMsgTimeseriesNode, index 0), "Save Client Attributes" (org.thingsboard.rule.engine.telemetry.TbMsgAttributesNode, index 1), "RPC Call Request" (org.thingsboard.rule.engine.rpc.TbSendRPCRequestNode, index 5); with --stub-unsupported each passes its messages on Success unchanged\n`
  )
})
