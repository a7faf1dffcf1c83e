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

/** Where a property was given: the place, the line of a file, and the kind of error about it. */
interface Origin {
  /** What comes before the property's name: `--kafka-input-property `, `FILE: properties.`. */
  readonly place: string
  readonly line?: number
  readonly error: (message: string) => Error
}

/** A property as named in messages, at `origin` (on its line when it is a line of a file). */
const nameAt = (origin: Origin, property: string): string =>
  origin.line === undefined
    ? `${origin.place}${property}`
    : `${origin.place.replace(/: $/, '')} line ${origin.line}: ${property}`

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
  const inFile = (message: string): Error => new ConfigError(message)
  if (configFile !== undefined) {
    const place = `--kafka-input-config ${configFile.path}: properties.`
    for (const [key, value] of Object.entries(configFile.properties))
      given.set(key, { value, origin: { place, error: inFile } })
  }
  if (propertiesFile !== undefined) {
    const place = `--kafka-input-properties ${propertiesFile}: `
    for (const { key, value, line } of readPropertiesFile(propertiesFile))
      given.set(key, { value, origin: { place, line, error: inFile } })
  }
  const commandLineOrigin: Origin = {
    place: '--kafka-input-property ',
    error: (message) => new UsageError(message)
  }
  for (const argument of commandLine) {
    const at = argument.indexOf('=')
    const key = argument.slice(0, Math.max(at, 0)).trim()
    // The argument is not quoted: it may hold a secret.
    if (key === '') throw new UsageError('--kafka-input-property must be KEY=VALUE with a non-empty KEY')
    given.set(key, { value: argument.slice(at + 1), origin: commandLineOrigin })
  }
  if (given.size === 0) return undefined
  // A property not given (a missing sasl.jaas.config) belongs with the place that chose the protocol.
  const originOf = (property: string): Origin =>
    given.get(property)?.origin ?? given.get('security.protocol')?.origin ?? commandLineOrigin
  const errors: PropertyErrors = {
    name: (property) => {
      const origin = originOf(property)
      return given.has(property) ? nameAt(origin, property) : `${origin.place}${property}`
    },
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
      `${nameAt(originOf(key), key)} is not a property the Kafka input knows (it takes security.protocol, sasl.* and ssl.*); it is ignored${instead}`
    )
  }
  const protocol = securityProtocol(reader, errors)
  const security = securitySettings(reader, protocol, errors)
  for (const key of reader.unread())
    warn(`${nameAt(originOf(key), key)} is not used with security.protocol ${protocol}; it is ignored`)
  return security
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
