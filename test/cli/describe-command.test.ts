import { test } from 'node:test'
import assert from 'node:assert/strict'
import { describeNodes } from '../../src/cli/describe-command.js'
import { configHelpText } from '../../src/engine/config-spec.js'
import { builtinNodes, createDefaultRegistry } from '../../src/nodes/index.js'

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
        ''
      ].join('\n')
    )
  }
  assert.equal(builtinNodes.length, 16)
})
