import { test } from 'node:test'
import assert from 'node:assert/strict'
import { makeMsg } from '../../helpers/messages.js'
import { loadError, runNode } from '../../helpers/run-node.js'

const FILTER = 'org.thingsboard.rule.engine.filter.TbJsFilterNode'

for (const lang of ['JS', 'TBEL'] as const) {
  const field = lang === 'JS' ? 'jsScript' : 'tbelScript'

  test(`${lang}: a message leaves on True or False by what the script returns, unchanged`, async () => {
    const hot = makeMsg({ data: '{"temperature":25}', metadata: { deviceName: 'T1' } })
    const cold = makeMsg({ data: '{"temperature":15}', metadata: { deviceName: 'T2' } })
    const exits = await runNode(
      FILTER,
      { scriptLang: lang, [field]: 'return msg.temperature > 20 && metadata.deviceName != "x";' },
      [hot, cold]
    )
    assert.deepEqual(
      exits.map((e) => [e.relation, e.node, e.msg]),
      [
        ['True', 'Node', hot],
        ['False', 'Node', cold]
      ]
    )
  })

  test(`${lang}: a script error, a result that is not a boolean, or data that is not JSON goes to Failure with the error`, async () => {
    const exits = await runNode(
      FILTER,
      { scriptLang: lang, [field]: 'if (msg.kind == "text") {\n  return "yes";\n}\nreturn msg.a.b > 1;' },
      [makeMsg({ data: '{"kind":"text"}' }), makeMsg({ data: '{}' }), makeMsg({ data: 'not json' })]
    )
    const type = lang === 'JS' ? 'STRING' : 'String'
    assert.deepEqual(
      exits.map((e) => [e.relation, e.msg.metadata.error]),
      [
        ['Failure', `ScriptError: Wrong result type: ${type} (a filter script returns true or false)`],
        // TBEL reads a missing key as null, as a Java map's get does.
        [
          'Failure',
          `ScriptError: TypeError: Cannot read properties of ${lang === 'JS' ? 'undefined' : 'null'} (reading 'b') (line 4)`
        ],
        ['Failure', `ScriptError: SyntaxError: Unexpected token 'o', "not json" is not valid JSON`]
      ]
    )
  })
}

test('a script that runs past scriptTimeoutMs goes to Failure with the limit; the next message is filtered', async () => {
  const exits = await runNode(
    FILTER,
    { scriptLang: 'JS', jsScript: 'while (msg.spin) {}\nreturn true;', scriptTimeoutMs: 100 },
    [makeMsg({ data: '{"spin":true}' }), makeMsg({ data: '{"spin":false}' })]
  )
  assert.deepEqual(
    exits.map((e) => [e.relation, e.msg.metadata.error]),
    [
      ['Failure', 'ScriptError: script execution timed out after 100 ms'],
      ['True', undefined]
    ]
  )
})

test('a script that does not compile, a blank one, or TBEL we cannot run is a load error naming node, field and line', async () => {
  assert.equal(
    await loadError(FILTER, { scriptLang: 'JS', jsScript: 'return msg.temperature >;' }),
    `node "Node" (${FILTER}, index 0): ScriptError: jsScript: SyntaxError: Unexpected token ';' (line 1)`
  )
  assert.equal(
    await loadError(FILTER, { scriptLang: 'TBEL', tbelScript: '  ' }),
    `node "Node" (${FILTER}, index 0): ScriptError: tbelScript: TBEL script is blank!`
  )
  assert.equal(
    await loadError(FILTER, { jsScript: undefined }),
    `node "Node" (${FILTER}, index 0): ScriptError: jsScript: JS script is blank!`
  )
  assert.equal(
    await loadError(FILTER, {
      scriptLang: 'TBEL',
      tbelScript: 'var n = 0;\ndef add(v) { n = n + v; }\nreturn n > 10;'
    }),
    `node "Node" (${FILTER}, index 0): ScriptError: tbelScript: TBEL line 2: MVEL def functions are not supported here; use function name(args) { ... }`
  )
})
