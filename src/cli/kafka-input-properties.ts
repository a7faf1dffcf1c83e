// The Kafka input's client properties: security.protocol, sasl.* and ssl.*, as Java consumer
// properties, read and checked by the same code as the Kafka node's otherProperties
// (src/kafka/security-properties.ts). They come from three places, a later one overriding an
// earlier one key by key: the `properties` object of --kafka-input-config, a Java .properties file
// (--kafka-input-properties, as Kafka's tools take --consumer.config) and --kafka-input-property
// KEY=VALUE on the command line. Each error and warning names the property where it was given;
// none quotes a value, since most of them are secrets.

import { readFileSync } from 'node:fs'
import { ConfigError, UsageError } from '../errors.js'
import { PropertyReader } from '../kafka/property-spec.js'
import {
  SECURITY_PROPERTY_NAMES,
  securityProtocol,
  securitySettings,
  type ConnectionSecurity,
  type PropertyErrors,
  type SecurityPropertyName
} from '../kafka/security-properties.js'
import { parseJavaProperties } from './java-properties.js'

/** Where the properties are given; any of them may be absent. */
export interface InputPropertySources {
  /** The `properties` of --kafka-input-config, and its path. */
  readonly configFile?: { readonly path: string; readonly properties: Readonly<Record<string, string>> }
  /** --kafka-input-properties FILE. */
  readonly propertiesFile?: string
  /** Each --kafka-input-property KEY=VALUE. */
  readonly commandLine?: readonly string[]
}

/** Where one property was given: how to name it, and the error about it. */
interface Origin {
  readonly name: string
  readonly error: (message: string) => Error
}

/** Consumer properties that have an option of their own, and that option. */
const OPTION_FOR: Readonly<Record<string, string>> = {
  'bootstrap.servers': '--kafka-input',
  'group.id': '--group',
  'client.id': '--client-id',
  'session.timeout.ms': '--session-timeout-ms'
}

/**
 * The input's TLS and SASL settings, or undefined when no property is given anywhere (PLAINTEXT).
 * Unknown properties, and known ones the security.protocol does not use, are warned about and ignored,
 * as the Kafka node does with its otherProperties.
 */
export function inputSecurity(
  sources: InputPropertySources,
  warn: (message: string) => void
): ConnectionSecurity | undefined {
  const given = new Map<string, { value: string; origin: Origin }>()
  const { configFile, propertiesFile, commandLine = [] } = sources
  if (configFile !== undefined) {
    for (const [key, value] of Object.entries(configFile.properties)) {
      const name = `--kafka-input-config ${configFile.path}: properties.${key}`
      given.set(key, { value, origin: { name, error: (message) => new ConfigError(message) } })
    }
  }
  if (propertiesFile !== undefined) {
    for (const { key, value, line } of readPropertiesFile(propertiesFile)) {
      const name = `--kafka-input-properties ${propertiesFile} line ${line}: ${key}`
      given.set(key, { value, origin: { name, error: (message) => new ConfigError(message) } })
    }
  }
  for (const argument of commandLine) {
    const at = argument.indexOf('=')
    // The argument is not quoted: it may hold a secret.
    if (at <= 0) throw new UsageError('--kafka-input-property must be KEY=VALUE with a non-empty KEY')
    const key = argument.slice(0, at).trim()
    given.set(key, {
      value: argument.slice(at + 1),
      origin: { name: `--kafka-input-property ${key}`, error: (message) => new UsageError(message) }
    })
  }
  if (given.size === 0) return undefined
  const originOf = (property: string): Origin =>
    given.get(property)?.origin ??
    given.get('security.protocol')?.origin ?? {
      name: `--kafka-input-property ${property}`,
      error: (message) => new UsageError(message)
    }
  const errors: PropertyErrors = {
    // A property not given is named as one more of the place that chose the protocol.
    name: (property) =>
      given.has(property) ? originOf(property).name : nameLike(originOf('security.protocol'), property),
    error: (property, message) => originOf(property).error(message)
  }
  const reader = new PropertyReader<SecurityPropertyName>(
    Object.fromEntries([...given].map(([key, { value }]) => [key, value])),
    SECURITY_PROPERTY_NAMES
  )
  for (const key of reader.unknown()) {
    const option = OPTION_FOR[key]
    const instead = option === undefined ? '' : `; use ${option} instead`
    warn(
      `${originOf(key).name} is not a property the Kafka input knows (it takes security.protocol, sasl.* and ssl.*); it is ignored${instead}`
    )
  }
  const protocol = securityProtocol(reader, errors)
  const security = securitySettings(reader, protocol, errors)
  for (const key of reader.unread())
    warn(`${originOf(key).name} is not used with security.protocol ${protocol}; it is ignored`)
  return security
}

// `--kafka-input-property security.protocol` -> `--kafka-input-property sasl.jaas.config`; a
// file's name keeps the file and drops the line, which is that of another property.
function nameLike(origin: Origin, property: string): string {
  const name = origin.name.replace(/ line \d+:/, ':')
  return name.slice(0, name.lastIndexOf('security.protocol')) + property
}

function readPropertiesFile(path: string): ReturnType<typeof parseJavaProperties> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new ConfigError(`--kafka-input-properties ${path} cannot be read: ${(error as Error).message}`)
  }
  return parseJavaProperties(text)
}
