import { ChainLoadError } from '../errors.js'
import type { ConfigSpec } from './config-spec.js'
import type { RuleNode } from './rule-node.js'

/** A kind of node: its ThingsBoard class name, how to build one, and its declared configuration. */
export interface NodeDefinition {
  /** ThingsBoard's class name, e.g. `org.thingsboard.rule.engine.kafka.TbKafkaNode`. */
  readonly type: string
  /** A short name for the command line, e.g. `kafka`. */
  readonly alias: string
  /** One line on what the node does. */
  readonly description: string
  /** Relations the node tells on, for docs. */
  readonly relations: readonly string[]
  readonly config: ConfigSpec
  /** More sections for `describe` (e.g. the Kafka node's producer properties), generated from their declarations. */
  readonly details?: readonly { readonly title: string; readonly text: string }[]
  create(): RuleNode
}

/** The node kinds a chain may use, keyed by ThingsBoard class name. */
export class NodeRegistry {
  readonly #byType = new Map<string, NodeDefinition>()

  constructor(definitions: readonly NodeDefinition[] = []) {
    for (const definition of definitions) this.register(definition)
  }

  /** Adds a node kind; a second kind with the same type or alias is a programming error. */
  register(definition: NodeDefinition): void {
    if (this.#byType.has(definition.type)) throw new Error(`node type ${definition.type} registered twice`)
    if (this.find(definition.alias) !== undefined)
      throw new Error(`node alias ${definition.alias} registered twice`)
    this.#byType.set(definition.type, definition)
  }

  /** The kind with this class name or alias, or undefined. */
  find(typeOrAlias: string): NodeDefinition | undefined {
    const byType = this.#byType.get(typeOrAlias)
    if (byType !== undefined) return byType
    for (const definition of this.#byType.values()) if (definition.alias === typeOrAlias) return definition
    return undefined
  }

  /** The kind with this class name; a clear error naming it and the known kinds when there is none. */
  get(type: string): NodeDefinition {
    const definition = this.#byType.get(type)
    if (definition === undefined) {
      throw new ChainLoadError(`unknown node type "${type}" (known: ${[...this.#byType.keys()].join(', ')})`)
    }
    return definition
  }

  /** Every registered kind, in registration order. */
  list(): NodeDefinition[] {
    return [...this.#byType.values()]
  }
}
