import { configHelpText } from '../engine/config-spec.js'
import type { NodeRegistry } from '../engine/registry.js'
import { UsageError } from '../errors.js'

/** The text `kafka-rule-node describe [NODE]` prints. */
export function describeNodes(registry: NodeRegistry, name?: string): string {
  if (name === undefined) {
    const width = Math.max(16, ...registry.list().map((d) => d.alias.length))
    const rows = registry
      .list()
      .map((d) => `  ${d.alias.padEnd(width)} ${d.type}\n  ${''.padEnd(width)} ${d.description}`)
    return `Node types (short name, ThingsBoard class name):\n${rows.join('\n')}\n\nRun \`kafka-rule-node describe NAME\` for a node's configuration.\n`
  }
  const definition = registry.find(name)
  if (definition === undefined) {
    throw new UsageError(
      `unknown node "${name}"; known: ${registry
        .list()
        .map((d) => d.alias)
        .join(', ')}`
    )
  }
  return [
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
}
