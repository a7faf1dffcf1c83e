// The package's library entry (package.json `main`): what a program embedding the engine needs to
// load a ThingsBoard chain export, push messages through it and write nodes of its own; and the
// Kafka producer on its own.

export { Chain, loadChain, startChain } from './engine/chain.js'
export type { ChainExit, ChainOptions, NodeHealthReport, NodeStats } from './engine/chain.js'
export { NodeRegistry } from './engine/registry.js'
export type { NodeDefinition } from './engine/registry.js'
export type { Acceptance, MsgContext, NodeContext, RuleNode, SourceContext } from './engine/rule-node.js'
export { Relation } from './engine/relations.js'
export { createStreamLogger, silentLogger } from './engine/logger.js'
export type { Logger } from './engine/logger.js'
export { TbMsg } from './msg/message.js'
export type { DataType, Metadata, MsgFields, Originator } from './msg/message.js'
export { messageFromJson, parseMessage } from './msg/parse-message.js'
export { builtinNodes, createDefaultRegistry } from './nodes/index.js'
export { Producer } from './kafka/producer/producer.js'
export type {
  ProducerHealth,
  ProducerMetrics,
  ProducerOptions,
  ProducerRecord
} from './kafka/producer/producer.js'
export type { OutgoingRecord, SendOutcome } from './kafka/producer/outgoing-record.js'
export { producerSettings } from './kafka/producer/producer-properties.js'
export type { ProducerSettings } from './kafka/producer/producer-properties.js'
export { ProducerErrorCodes } from './kafka/errors.js'
export type { ProducerError, ProducerErrorCode } from './kafka/errors.js'
export {
  ChainLoadError,
  ConfigError,
  MessageError,
  RuleNodeError,
  ScriptError,
  ServiceError,
  UsageError,
  describeError
} from './errors.js'
export type { ErrorContext } from './errors.js'
