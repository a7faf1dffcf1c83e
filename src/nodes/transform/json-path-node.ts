import { parseConfig, stringField } from '../../engine/config-spec.js'
import type { NodeDefinition } from '../../engine/registry.js'
import { Relation } from '../../engine/relations.js'
import type { Acceptance, MsgContext, NodeContext, RuleNode } from '../../engine/rule-node.js'
import { writeJson } from '../../msg/jackson-json.js'
import type { TbMsg } from '../../msg/message.js'
import { compileJsonPath, type CompiledJsonPath } from './json-path.js'

const DEFAULT_JSON_PATH = '$'

const config = {
  jsonPath: stringField({
    default: DEFAULT_JSON_PATH,
    nonEmpty: true,
    description:
      'A JSONPath (Jayway syntax); the data becomes what it selects, as JSON. "$" passes messages unchanged'
  })
} as const

/**
 * Replaces the data with what a JSONPath selects, as JSON (ThingsBoard's TbJsonPathNode). A
 * definite path that finds nothing fails the message with PathNotFoundException.
 */
export class JsonPathNode implements RuleNode {
  #path: CompiledJsonPath | undefined

  init(_ctx: NodeContext, configuration: unknown): void {
    const { jsonPath } = parseConfig(config, configuration).config
    this.#path = jsonPath === DEFAULT_JSON_PATH ? undefined : compileJsonPath(jsonPath)
  }

  onMsg(ctx: MsgContext, msg: TbMsg): Acceptance {
    if (this.#path === undefined) return ctx.tellSuccess(msg)
    const tree = msg.tree()
    if (tree === undefined) throw new TypeError('message data is not JSON')
    return ctx.tellSuccess(msg.with({ data: writeJson(this.#path.read(tree)) }))
  }

  destroy(): void {}
}

/** The JSON path node, as registered. */
export const jsonPathDefinition: NodeDefinition = {
  type: 'org.thingsboard.rule.engine.transform.TbJsonPathNode',
  alias: 'json-path',
  description: 'Replaces the data with what a JSONPath selects from it, as JSON.',
  relations: [Relation.SUCCESS, Relation.FAILURE],
  config,
  create: () => new JsonPathNode()
}
