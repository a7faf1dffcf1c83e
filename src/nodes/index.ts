import { NodeRegistry, type NodeDefinition } from '../engine/registry.js'
import { logNodeDefinition } from './action/log-node.js'
import { msgGeneratorDefinition } from './debug/msg-generator-node.js'
import { jsFilterDefinition } from './filter/js-filter-node.js'
import { jsSwitchDefinition } from './filter/js-switch-node.js'
import { msgTypeSwitchDefinition } from './filter/msg-type-switch-node.js'
import { kafkaNodeDefinition } from './kafka/kafka-node.js'
import { transformMsgDefinition } from './transform/transform-msg-node.js'

/** Every node kind this package ships, in the order `describe` lists them. */
export const builtinNodes: readonly NodeDefinition[] = [
  msgTypeSwitchDefinition,
  jsFilterDefinition,
  jsSwitchDefinition,
  transformMsgDefinition,
  logNodeDefinition,
  msgGeneratorDefinition,
  kafkaNodeDefinition
]

/** A registry holding the built-in node kinds. */
export function createDefaultRegistry(): NodeRegistry {
  return new NodeRegistry(builtinNodes)
}
