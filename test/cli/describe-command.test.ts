import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runCli } from '../helpers/cli.js'

test('describe lists the node types and shows a node configuration', async () => {
  const list = await runCli(['describe'])
  assert.match(list.stdout, /msg-type-switch\s+org\.thingsboard\.rule\.engine\.filter\.TbMsgTypeSwitchNode/)
  assert.match(list.stdout, /log\s+org\.thingsboard\.rule\.engine\.action\.TbLogNode/)
  const log = await runCli(['describe', 'log'])
  assert.match(log.stdout, /^log: org\.thingsboard\.rule\.engine\.action\.TbLogNode\n/)
  assert.match(log.stdout, /Relations: Success\n/)
  const unknown = await runCli(['describe', 'nope'])
  assert.equal(unknown.code, 2)
})
