import { NodeRegistry, type NodeDefinition } from '../engine/registry.js'

/** Every node kind this package ships, in the order `describe` lists them. */
export const builtinNodes: readonly NodeDefinition[] = []

/** A registry holding the built-in node kinds. */
export function createDefaultRegistry(): NodeRegistry {
  return new NodeRegistry(builtinNodes)
}
