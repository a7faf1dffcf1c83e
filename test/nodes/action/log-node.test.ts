import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Logger } from '../../../src/engine/logger.js'
import { makeMsg } from '../../helpers/messages.js'
import { runNode } from '../../helpers/run-node.js'

const LOG = 'org.thingsboard.rule.engine.action.TbLogNode'
const DEFAULT_SCRIPT =
  "return '\\nIncoming message:\\n' + JSON.stringify(msg) + '\\nIncoming metadata:\\n' + JSON.stringify(metadata);"

function recorder(): { logger: Logger; lines: string[] } {
  const lines: string[] = []
  const add = (message: string): void => void lines.push(message)
  return { logger: { debug: add, info: add, warn: add, error: add }, lines }
}

for (const lang of ['JS', 'TBEL'] as const) {
  const field = lang === 'JS' ? 'jsScript' : 'tbelScript'

  test(`${lang}: a log script is run and its text logged; the message goes on Success unchanged`, async () => {
    const { logger, lines } = recorder()
    const msg = makeMsg({ data: '{"temperature":21.5}', metadata: { deviceName: 'T1' } })
    const exits = await runNode(
      LOG,
      {
        scriptLang: lang,
        [field]: "return 'temperature = ' + msg.temperature + ' from ' + metadata.deviceName;"
      },
      [msg],
      logger
    )
    assert.deepEqual(lines, ['Node: temperature = 21.5 from T1'])
    assert.deepEqual(
      exits.map((e) => [e.relation, e.msg]),
      [['Success', msg]]
    )
  })
}

test("ThingsBoard's default script is not run: the message is logged as one structured line", async () => {
  const { logger, lines } = recorder()
  const exits = await runNode(
    LOG,
    { scriptLang: 'TBEL', jsScript: DEFAULT_SCRIPT, tbelScript: DEFAULT_SCRIPT },
    [makeMsg()],
    logger
  )
  assert.deepEqual(lines, ['Node: POST_TELEMETRY_REQUEST from DEVICE 00000000-0000-4000-8000-0000000000aa'])
  assert.equal(exits[0]?.relation, 'Success')
})

test('a JS log script must return text, TBEL prints other results as JSON; a failing script goes to Failure', async () => {
  const js = await runNode(LOG, { scriptLang: 'JS', jsScript: 'return {t: msg.temperature};' }, [
    makeMsg({ data: '{"temperature":1}' })
  ])
  assert.deepEqual(
    js.map((e) => [e.relation, e.msg.metadata.error]),
    [['Failure', 'ScriptError: Wrong result type: OBJECT (a log script returns text)']]
  )
  const { logger, lines } = recorder()
  const tbel = await runNode(
    LOG,
    { scriptLang: 'TBEL', tbelScript: 'return {t: msg.temperature};' },
    [makeMsg({ data: '{"temperature":1}' })],
    logger
  )
  assert.deepEqual(lines, ['Node: {"t":1}'])
  assert.equal(tbel[0]?.relation, 'Success')
})
