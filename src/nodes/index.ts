import { NodeRegistry, type NodeDefinition } from '../engine/registry.js'
import { delayDefinition } from './action/delay-node.js'
import { logNodeDefinition } from './action/log-node.js'
import { checkMessageDefinition } from './filter/check-message-node.js'
import { msgTypeFilterDefinition } from './filter/msg-type-filter-node.js'
import { msgGeneratorDefinition } from './debug/msg-generator-node.js'
import { jsFilterDefinition } from './filter/js-filter-node.js'
import { jsSwitchDefinition } from './filter/js-switch-node.js'
import { msgTypeSwitchDefinition } from './filter/msg-type-switch-node.js'
import { originatorTypeFilterDefinition } from './filter/originator-type-filter-node.js'
import { originatorTypeSwitchDefinition } from './filter/originator-type-switch-node.js'
import { ruleChainInputDefinition } from './flow/rule-chain-input-node.js'
import { ruleChainOutputDefinition } from './flow/rule-chain-output-node.js'
import { kafkaNodeDefinition } from './kafka/kafka-node.js'
import { transformMsgDefinition } from './transform/transform-msg-node.js'
import { copyKeysDefinition } from './transform/copy-keys-node.js'
import { deduplicationDefinition } from './transform/deduplication-node.js'
import { deleteKeysDefinition } from './transform/delete-keys-node.js'
import { jsonPathDefinition } from './transform/json-path-node.js'
import { renameKeysDefinition } from './transform/rename-keys-node.js'
import { splitArrayDefinition } from './transform/split-array-node.js'

/** Every node kind this package ships, in the order `describe` lists them. */
export const builtinNodes: readonly NodeDefinition[] = [
  msgTypeSwitchDefinition,
  msgTypeFilterDefinition,
  originatorTypeSwitchDefinition,
  originatorTypeFilterDefinition,
  checkMessageDefinition,
  jsFilterDefinition,
  jsSwitchDefinition,
  transformMsgDefinition,
  renameKeysDefinition,
  copyKeysDefinition,
  deleteKeysDefinition,
  jsonPathDefinition,
  splitArrayDefinition,
  deduplicationDefinition,
  delayDefinition,
  logNodeDefinition,
  msgGeneratorDefinition,
  ruleChainInputDefinition,
  ruleChainOutputDefinition,
  kafkaNodeDefinition
]

/** A registry holding the built-in node kinds. */
export function createDefaultRegistry(): NodeRegistry {
  return new NodeRegistry(builtinNodes)
}
