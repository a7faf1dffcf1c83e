import { test } from 'node:test'
import assert from 'node:assert/strict'
import { loadChain, type ChainExit } from '../../../src/engine/chain.js'
import { createDefaultRegistry } from '../../../src/nodes/index.js'
import { makeMsg } from '../../helpers/messages.js'
import { runNode } from '../../helpers/run-node.js'
import { chainExport } from '../../helpers/test-nodes.js'

const SWITCH = 'org.thingsboard.rule.engine.filter.TbJsSwitchNode'
const LOG = 'org.thingsboard.rule.engine.action.TbLogNode'

// ThingsBoard's default switch script, in both languages.
const SCRIPTS = {
  JS: "function nextRelation(metadata, msg) {\n    return ['one','nine'];\n}\nif(msgType === 'POST_TELEMETRY_REQUEST') {\n    return ['two'];\n}\nreturn nextRelation(metadata, msg);",
  TBEL: "function nextRelation(metadata, msg) {\n    return ['one','nine'];\n}\nif(msgType == 'POST_TELEMETRY_REQUEST') {\n    return ['two'];\n}\nreturn nextRelation(metadata, msg);"
}

for (const lang of ['JS', 'TBEL'] as const) {
  test(`${lang}: the message goes on every relation the script names, each once`, async () => {
    const exits: ChainExit[] = []
    const configuration = { scriptLang: lang, jsScript: SCRIPTS.JS, tbelScript: SCRIPTS.TBEL }
    const chain = await loadChain(
      chainExport(
        [
          { type: SWITCH, name: 'Switch', configuration },
          { type: LOG, name: 'One' },
          { type: LOG, name: 'Nine' },
          { type: LOG, name: 'Two' }
        ],
        [
          [0, 1, 'one'],
          [0, 2, 'nine'],
          [0, 3, 'two']
        ]
      ),
      createDefaultRegistry(),
      { onExit: (exit) => exits.push(exit) }
    )
    const telemetry = makeMsg({ id: '00000000-0000-4000-8000-000000000001' })
    const attributes = makeMsg({
      id: '00000000-0000-4000-8000-000000000002',
      type: 'POST_ATTRIBUTES_REQUEST'
    })
    await chain.push(telemetry)
    await chain.push(attributes)
    await chain.drain()
    await chain.destroy()
    assert.deepEqual(
      exits.map((e) => [e.node, e.relation, e.msg]),
      [
        ['Two', 'Success', telemetry],
        ['One', 'Success', attributes],
        ['Nine', 'Success', attributes]
      ]
    )
  })
}

test('a single name routes on it; duplicates count once; an empty array lets the message leave on no relation', async () => {
  const script = 'if (msg.n == 1) return "hot";\nif (msg.n == 2) return ["a", "a", "b"];\nreturn [];'
  const exits = await runNode(SWITCH, { scriptLang: 'JS', jsScript: script }, [
    makeMsg({ data: '{"n":1}' }),
    makeMsg({ data: '{"n":2}' }),
    makeMsg({ data: '{"n":3}' })
  ])
  assert.deepEqual(
    exits.map((e) => [e.relation, e.msg.data]),
    [
      ['hot', '{"n":1}'],
      ['a', '{"n":2}'],
      ['', '{"n":3}']
    ]
  )
})

test('a result that is not names goes to Failure naming its type', async () => {
  const exits = await runNode(
    SWITCH,
    { scriptLang: 'JS', jsScript: 'return msg.n == 1 ? ["a", 5] : {a: 1};' },
    [makeMsg({ data: '{"n":1}' }), makeMsg({ data: '{"n":2}' })]
  )
  assert.deepEqual(
    exits.map((e) => [e.relation, e.msg.metadata.error]),
    [
      ['Failure', 'ScriptError: Wrong result type: NUMBER (a switch script returns relation names)'],
      ['Failure', 'ScriptError: Wrong result type: OBJECT (a switch script returns relation names)']
    ]
  )
})
