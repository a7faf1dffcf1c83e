import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runCli } from '../helpers/cli.js'
import { describeNodes } from '../../src/cli/describe-command.js'
import { configHelpText } from '../../src/engine/config-spec.js'
import { builtinNodes, createDefaultRegistry } from '../../src/nodes/index.js'

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

test('describe lists every built-in node type, and shows each one from its declaration', () => {
  const registry = createDefaultRegistry()
  const list = describeNodes(registry)
  for (const definition of builtinNodes) {
    assert.match(list, new RegExp(`\\n  ${definition.alias} +${definition.type.replaceAll('.', '\\.')}\\n`))
    assert.equal(
      describeNodes(registry, definition.alias),
      [
        `${definition.alias}: ${definition.type}`,
        definition.description,
        '',
        `Relations: ${definition.relations.join(', ')}`,
        '',
        'Configuration (ThingsBoard JSON names):',
        configHelpText(definition.config),
        ...(definition.details ?? []).flatMap((detail) => ['', detail.title, detail.text]),
        ''
      ].join('\n')
    )
  }
  assert.equal(builtinNodes.length, 20)
  // The Kafka node also prints the Java producer properties, from the same table that reads them.
  assert.match(describeNodes(registry, 'kafka'), /\nProducer properties \(otherProperties, Java names;/)
})
