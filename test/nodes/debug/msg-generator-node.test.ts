import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadChain, type ChainExit } from '../../../src/engine/chain.js'
import { createDefaultRegistry } from '../../../src/nodes/index.js'
import { runCli, startCli } from '../../helpers/cli.js'
import { chainExport } from '../../helpers/test-nodes.js'

const GENERATOR = 'org.thingsboard.rule.engine.debug.TbMsgGeneratorNode'
const DEVICE = '6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0'

// Each message counts on from the previous one, which the script sees as prevMsg.
const COUNTING = {
  JS: 'var n = prevMsg.n == null ? 1 : prevMsg.n + 1;\nif (n == 3) throw new Error("three");\nreturn {msg: {n: n}, metadata: {last: prevMsgType}, msgType: "GEN_" + n};',
  TBEL: 'var n = prevMsg.n == null ? 1 : prevMsg.n + 1;\nif (n == 3) {\n  raiseError("three");\n}\nreturn {msg: {n: n}, metadata: {last: prevMsgType}, msgType: "GEN_" + n};'
}

for (const lang of ['JS', 'TBEL'] as const) {
  test(`${lang}: msgCount messages from the script, each from the previous one, with the originator; a failing call sends the tick to Failure`, async () => {
    const exits: ChainExit[] = []
    const configuration = {
      msgCount: 3,
      periodInSeconds: 0,
      originatorType: 'DEVICE',
      originatorId: DEVICE,
      scriptLang: lang,
      jsScript: COUNTING.JS,
      tbelScript: COUNTING.TBEL
    }
    const chain = await loadChain(
      chainExport([{ type: GENERATOR, name: 'Generator', configuration }], []),
      createDefaultRegistry(),
      { onExit: (exit) => exits.push(exit) }
    )
    await chain.sourcesDone()
    await chain.drain()
    await chain.destroy()
    const line = lang === 'JS' ? 2 : 3
    assert.deepEqual(
      exits.map((e) => [e.relation, e.msg.type, e.msg.originator, e.msg.metadata, e.msg.data]),
      [
        ['Success', 'GEN_1', { entityType: 'DEVICE', id: DEVICE }, { last: '' }, '{"n":1}'],
        ['Success', 'GEN_2', { entityType: 'DEVICE', id: DEVICE }, { last: 'GEN_1' }, '{"n":2}'],
        [
          'Failure',
          'GENERATOR_NODE_SELF_MSG',
          { entityType: 'RULE_NODE', id: '0' },
          { error: `ScriptError: Error: three (line ${line})` },
          ''
        ]
      ]
    )
  })
}

test('an originator other than the rule node needs its id; ThingsBoard says so in the same words', async () => {
  await assert.rejects(
    loadChain(
      chainExport(
        [
          {
            type: GENERATOR,
            name: 'Generator',
            configuration: { originatorType: 'ASSET', jsScript: 'return {};' }
          }
        ],
        []
      ),
      createDefaultRegistry()
    ),
    {
      message: `node "Generator" (${GENERATOR}, index 0): ConfigError: originatorId: Originator entity must be selected.`
    }
  )
})

function generatorChainFile(configuration: object): string {
  const path = join(mkdtempSync(join(tmpdir(), 'krn-generator-')), 'chain.json')
  writeFileSync(
    path,
    JSON.stringify(chainExport([{ type: GENERATOR, name: 'Generator', configuration }], []))
  )
  return path
}

test("a run with a counted generator ends once it made its messages, with ThingsBoard's default script", async () => {
  const script =
    'var msg = { temp: 42, humidity: 77 };\nvar metadata = { data: 40 };\nvar msgType = "POST_TELEMETRY_REQUEST";\n\nreturn { msg: msg, metadata: metadata, msgType: msgType };'
  const run = await runCli([
    'run',
    generatorChainFile({ msgCount: 2, periodInSeconds: 0, scriptLang: 'TBEL', tbelScript: script })
  ])
  assert.equal(run.code, 0, run.stderr)
  const out = run.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as ChainExit)
  assert.deepEqual(
    out.map((e) => [e.relation, e.msg.type, e.msg.originator.entityType, e.msg.metadata, e.msg.data]),
    [
      ['Success', 'POST_TELEMETRY_REQUEST', 'RULE_NODE', { data: '40' }, '{"temp":42,"humidity":77}'],
      ['Success', 'POST_TELEMETRY_REQUEST', 'RULE_NODE', { data: '40' }, '{"temp":42,"humidity":77}']
    ]
  )
})

test('a run with an unlimited generator goes on until SIGTERM, then ends with every message out', async (t) => {
  const cli = startCli([
    'run',
    generatorChainFile({
      msgCount: 0,
      periodInSeconds: 0,
      jsScript: 'return {msg: {n: (prevMsg.n || 0) + 1}};'
    })
  ])
  t.after(() => cli.child.kill('SIGKILL'))
  cli.child.stdin.end()
  // Until a few lines are out: the end of stdin did not end the run.
  await new Promise<void>((resolve) => {
    const check = (): void => {
      if (cli.stdout().split('\n').length > 5) resolve()
      else setTimeout(check, 20)
    }
    check()
  })
  cli.child.kill('SIGTERM')
  const result = await cli.exited
  assert.equal(result.code, 0, result.stderr)
  const numbers = result.stdout
    .trim()
    .split('\n')
    .map((l) => (JSON.parse((JSON.parse(l) as ChainExit).msg.data) as { n: number }).n)
  assert.deepEqual(
    numbers,
    numbers.map((_, i) => i + 1)
  )
})
