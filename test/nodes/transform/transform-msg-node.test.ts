import { test } from 'node:test'
import assert from 'node:assert/strict'
import { makeMsg } from '../../helpers/messages.js'
import { runNode } from '../../helpers/run-node.js'

const TRANSFORM = 'org.thingsboard.rule.engine.transform.TbTransformMsgNode'

for (const lang of ['JS', 'TBEL'] as const) {
  const field = lang === 'JS' ? 'jsScript' : 'tbelScript'

  test(`${lang}: the script's msg, metadata and msgType make the message on Success; id, ts, originator kept`, async () => {
    const msg = makeMsg({
      data: '{"temperature":21.5,"humidity":40}',
      metadata: { deviceName: 'T1', deviceType: 'thermostat' }
    })
    const script =
      'var out = {device: metadata.deviceName, tempF: msg.temperature * 9 / 5 + 32, big: 12345678.9};\nmetadata.unit = "F";\nmetadata.count = 2;\nreturn {msg: out, metadata: metadata, msgType: "TEMP_F"};'
    const [exit, ...rest] = await runNode(TRANSFORM, { scriptLang: lang, [field]: script }, [msg])
    assert.equal(rest.length, 0)
    assert.equal(exit?.relation, 'Success')
    assert.deepEqual(exit?.msg.toJSON(), {
      ...msg.toJSON(),
      type: 'TEMP_F',
      metadata: { deviceName: 'T1', deviceType: 'thermostat', unit: 'F', count: '2' },
      // Jackson prints a double outside [1e-3, 1e7) as Java does.
      data: '{"device":"T1","tempF":70.7,"big":1.23456789E7}'
    })
  })

  test(`${lang}: absent parts are kept from the message; an empty msgType keeps the type`, async () => {
    const msg = makeMsg({ data: '{"a":1}', metadata: { k: 'v' } })
    const exits = await runNode(
      TRANSFORM,
      { scriptLang: lang, [field]: 'if (msg.a == 1) {\n  return {msgType: ""};\n}\nreturn {};' },
      [msg]
    )
    assert.deepEqual(
      exits.map((e) => [e.relation, e.msg]),
      [['Success', msg]]
    )
  })

  test(`${lang}: an array result makes one message each on Success, each with an id of its own`, async () => {
    const msg = makeMsg({ data: '{"readings":[1,2]}', metadata: { k: 'v' } })
    const exits = await runNode(
      TRANSFORM,
      {
        scriptLang: lang,
        [field]:
          'return [{msg: {v: msg.readings[0]}, msgType: "R"}, {msg: {v: msg.readings[1]}, metadata: {n: "2"}}];'
      },
      [msg]
    )
    assert.deepEqual(
      exits.map((e) => [e.relation, e.msg.type, e.msg.metadata, e.msg.data, e.msg.ts, e.msg.originator]),
      [
        ['Success', 'R', { k: 'v' }, '{"v":1}', msg.ts, msg.originator],
        ['Success', 'POST_TELEMETRY_REQUEST', { n: '2' }, '{"v":2}', msg.ts, msg.originator]
      ]
    )
    const ids = exits.map((e) => e.msg.id)
    assert.equal(new Set([...ids, msg.id]).size, 3)
  })

  test(`${lang}: an empty array, or a result that is not an object, goes to Failure`, async () => {
    const exits = await runNode(
      TRANSFORM,
      { scriptLang: lang, [field]: 'if (msg.a == 1) {\n  return [];\n}\nreturn "text";' },
      [makeMsg({ data: '{"a":1}' }), makeMsg({ data: '{"a":2}' })]
    )
    const type = lang === 'JS' ? 'STRING' : 'String'
    assert.deepEqual(
      exits.map((e) => [e.relation, e.msg.metadata.error]),
      [
        ['Failure', 'ScriptError: Message or messages list are empty!'],
        [
          'Failure',
          `ScriptError: Wrong result type: ${type} (a transform script returns { msg, metadata, msgType } or an array of them)`
        ]
      ]
    )
  })
}

test('JS metadata values are read as Jackson reads them into strings; null values are dropped; an object is a Failure', async () => {
  const exits = await runNode(
    TRANSFORM,
    {
      scriptLang: 'JS',
      jsScript:
        'if (msg.bad) {\n  return {metadata: {o: {a: 1}}};\n}\nreturn {metadata: {s: "x", n: 1.5, b: true, z: null, big: 1e21}, msgType: 5};'
    },
    [makeMsg({ data: '{}' }), makeMsg({ data: '{"bad":true}' })]
  )
  assert.deepEqual(
    exits.map((e) => [e.relation, e.msg.type, e.msg.metadata]),
    [
      ['Success', '5', { s: 'x', n: '1.5', b: 'true', big: '1.0E21' }],
      [
        'Failure',
        'POST_TELEMETRY_REQUEST',
        {
          error:
            'ScriptError: metadata.o: Cannot deserialize value of type `java.lang.String` from Object value'
        }
      ]
    ]
  )
})

test("TBEL metadata values are each value's Java toString, and a missing key is null", async () => {
  const exits = await runNode(
    TRANSFORM,
    {
      scriptLang: 'TBEL',
      tbelScript: 'return {msg: {t: msg.nope}, metadata: {m: {a: 1}, l: [1, "x"], n: 2}};'
    },
    [makeMsg({ data: '{}' })]
  )
  assert.deepEqual(
    exits.map((e) => [e.relation, e.msg.data, e.msg.metadata]),
    [['Success', '{"t":null}', { m: '{a=1}', l: '[1, x]', n: '2' }]]
  )
})
