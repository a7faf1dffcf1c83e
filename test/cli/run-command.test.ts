import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli, runInProcess } from '../helpers/cli.js'

const originator = { entityType: 'DEVICE', id: '6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0' }
const msg = (n: number, type: string, data: unknown) => ({
  id: `0c1f5a52-7a32-4b7e-9d6e-1f2a3b4c5d0${n}`,
  ts: 1732400000000 + n,
  type,
  originator,
  metadata: { deviceName: `D${n}` },
  data
})

// What the run does with lines runs in-process (runInProcess); what the command line and the
// process do (options, exit statuses) runs the CLI as a process.

test('runs a type switch -> log chain: exact NDJSON out, one error line per bad input line', async () => {
  const input = [
    JSON.stringify(msg(1, 'POST_TELEMETRY_REQUEST', { t: 20.0 })),
    'not json',
    JSON.stringify(msg(2, 'POST_ATTRIBUTES_REQUEST', '{"fw":"1.0"}')),
    '',
    '{"originator":{"entityType":"DEVICE","id":"nope"},"type":"X"}',
    JSON.stringify({ ...msg(3, 'POST_TELEMETRY_REQUEST', {}), metadata: { n: 1 } }),
    '{"id":"0c1f5a52-7a32-4b7e-9d6e-1f2a3b4c5d04","ts":5,"type":"CUSTOM","data":{"v": 1.50}}'
  ].join('\n')
  const result = await runInProcess('examples/switch-log.json', input)
  assert.deepEqual(result.summary, { lines: 7, badLines: 3, entered: 3, left: 3 })
  const out = result.stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as unknown)
  assert.deepEqual(out, [
    {
      relation: 'Success',
      node: 'Log Telemetry',
      msg: { ...msg(1, 'POST_TELEMETRY_REQUEST', undefined), dataType: 'JSON', data: '{"t":20}' }
    },
    {
      relation: 'Post attributes',
      node: 'Message Type Switch',
      msg: { ...msg(2, 'POST_ATTRIBUTES_REQUEST', undefined), dataType: 'JSON', data: '{"fw":"1.0"}' }
    },
    {
      relation: 'Other',
      node: 'Message Type Switch',
      msg: {
        id: '0c1f5a52-7a32-4b7e-9d6e-1f2a3b4c5d04',
        ts: 5,
        type: 'CUSTOM',
        originator: { entityType: 'DEVICE', id: '13814000-1dd2-11b2-8080-808080808080' },
        metadata: {},
        dataType: 'JSON',
        data: '{"v": 1.50}'
      }
    }
  ])
  const errors = result.stderr.split('\n').filter((line) => line.startsWith('line '))
  assert.deepEqual(errors, [
    `line 2: not valid JSON: Unexpected token 'o', "not json" is not valid JSON`,
    'line 5: originator.id must be a UUID (got "nope")',
    'line 6: metadata.n must be a string (got number 1)'
  ])
  const logs = result.stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg: string; level: number })
  assert.deepEqual(
    logs.map((l) => [l.level, l.msg]),
    [[30, `Log Telemetry: POST_TELEMETRY_REQUEST from DEVICE ${originator.id}`]]
  )
})

test('a line over --max-line-bytes is skipped with an error and the run goes on', async () => {
  const long = JSON.stringify({ type: 'T', data: 'x'.repeat(2000) })
  const result = await runCli(
    ['run', 'examples/switch-log.json', '--max-line-bytes', '1000', '--log-level', 'warn'],
    `${long}\n{"type":"A","id":"0c1f5a52-7a32-4b7e-9d6e-1f2a3b4c5d09","ts":1}\n${long}`
  )
  assert.equal(result.code, 0)
  assert.deepEqual(result.stderr.trimEnd().split('\n'), [
    'line 1: line is longer than 1000 bytes (the limit; see --max-line-bytes); skipped',
    'line 3: line is longer than 1000 bytes (the limit; see --max-line-bytes); skipped'
  ])
  const out = JSON.parse(result.stdout) as { relation: string; msg: { type: string } }
  assert.equal(out.relation, 'Other')
  assert.equal(out.msg.type, 'A')
})

test('a chain that is not JSON is not loaded: the error names the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'krn-'))
  const path = join(dir, 'chain.json')
  writeFileSync(path, '{ nope')
  await assert.rejects(runInProcess(path, ''), {
    name: 'ChainLoadError',
    message: new RegExp(`^rule chain ${path} is not JSON: `)
  })
})

test('a chain with an unknown node type is not loaded: the error names it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'krn-'))
  const path = join(dir, 'chain.json')
  writeFileSync(
    path,
    JSON.stringify({ metadata: { nodes: [{ type: 'org.x.Y', name: 'Odd' }], connections: [] } })
  )
  await assert.rejects(runInProcess(path, ''), {
    name: 'ChainLoadError',
    message: `rule chain ${path}: 1 node has a type this engine does not support: "Odd" (org.x.Y, index 0); with --stub-unsupported each passes its messages on Success unchanged`
  })
})

test('a wrong command line exits 2 with usage advice', async () => {
  const result = await runCli(['run'])
  assert.equal(result.code, 2)
  assert.equal(
    result.stderr,
    'kafka-rule-node: run takes exactly one CHAIN.json\nRun `kafka-rule-node --help` for usage.\n'
  )
  const unknown = await runCli(['frobnicate'])
  assert.equal(unknown.code, 2)
  assert.match(unknown.stderr, /^kafka-rule-node: unknown command "frobnicate"/)
})

test('a chain of 5,000 nodes passes its message to the end, and the run ends with it out', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'long-chain-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const length = 5000
  const chain = {
    ruleChain: { name: 'long' },
    metadata: {
      firstNodeIndex: 0,
      nodes: Array.from({ length }, (_, i) => ({
        type: 'org.thingsboard.rule.engine.action.TbLogNode',
        name: `Log ${i}`,
        configuration: {}
      })),
      connections: Array.from({ length: length - 1 }, (_, i) => ({
        fromIndex: i,
        toIndex: i + 1,
        type: 'Success'
      }))
    }
  }
  writeFileSync(join(dir, 'chain.json'), JSON.stringify(chain))
  const result = await runInProcess(
    join(dir, 'chain.json'),
    JSON.stringify(msg(1, 'CUSTOM', { v: 1 })) + '\n',
    {
      logLevel: 'warn'
    }
  )
  assert.deepEqual(result.summary, { lines: 1, badLines: 0, entered: 1, left: 1 })
  assert.deepEqual(
    result.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown),
    [
      {
        relation: 'Success',
        node: 'Log 4999',
        msg: { ...msg(1, 'CUSTOM', undefined), dataType: 'JSON', data: '{"v":1}' }
      }
    ]
  )
})
