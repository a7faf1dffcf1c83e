// The security properties of a Kafka connection (security.protocol, sasl.*, ssl.*), declared once
// and read into TLS and SASL settings by one piece of code: the Kafka node's producer takes them
// in `otherProperties`, the Kafka input's consumer and dead-letter sender in their own properties
// (src/cli/kafka-input-properties.ts). Each is understood or refused with an error naming the
// property as its user wrote it (`otherProperties.sasl.mechanism`, `--kafka-input-property
// sasl.mechanism`), never quoting a secret.

import { X509Certificate, createPrivateKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { parseJaasConfig } from './jaas.js'
import type { PropertySpec } from './property-spec.js'

/** The security properties, in documentation order (the producer's table lists them in this place). */
export const SECURITY_PROPERTIES = [
  {
    name: 'security.protocol',
    type: 'string',
    default: 'PLAINTEXT',
    accepts: 'PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL',
    drives: 'tls, sasl'
  },
  {
    name: 'sasl.mechanism',
    type: 'string',
    default: 'GSSAPI (refused)',
    accepts: 'PLAIN, SCRAM-SHA-256, SCRAM-SHA-512',
    drives: 'sasl.mechanism'
  },
  {
    name: 'sasl.jaas.config',
    type: 'password',
    default: '(none)',
    accepts: 'PlainLoginModule or ScramLoginModule with username and password',
    drives: 'sasl.username, sasl.password'
  },
  { name: 'sasl.username', type: 'string', default: '(none)', accepts: 'any text', drives: 'sasl.username' },
  {
    name: 'sasl.password',
    type: 'password',
    default: '(none)',
    accepts: 'any text',
    drives: 'sasl.password'
  },
  {
    name: 'ssl.endpoint.identification.algorithm',
    type: 'string',
    default: 'https',
    accepts: 'https, "" (no host name check)',
    drives: 'tls.verifyHostname'
  },
  {
    name: 'ssl.truststore.type',
    type: 'string',
    default: 'JKS',
    accepts: 'PEM',
    drives: 'refuses JKS and PKCS12 stores'
  },
  {
    name: 'ssl.truststore.certificates',
    type: 'password',
    default: '(none)',
    accepts: 'PEM certificates',
    drives: 'tls.ca'
  },
  {
    name: 'ssl.truststore.location',
    type: 'string',
    default: '(none)',
    accepts: 'a PEM file',
    drives: 'tls.ca'
  },
  {
    name: 'ssl.keystore.type',
    type: 'string',
    default: 'JKS',
    accepts: 'PEM',
    drives: 'refuses JKS and PKCS12 stores'
  },
  {
    name: 'ssl.keystore.certificate.chain',
    type: 'password',
    default: '(none)',
    accepts: 'PEM certificates',
    drives: 'tls.cert'
  },
  {
    name: 'ssl.keystore.key',
    type: 'password',
    default: '(none)',
    accepts: 'an unencrypted PEM key',
    drives: 'tls.key'
  },
  {
    name: 'ssl.keystore.location',
    type: 'string',
    default: '(none)',
    accepts: 'a PEM file',
    drives: 'tls.cert'
  },
  {
    name: 'ssl.truststore.password',
    type: 'password',
    default: '(none)',
    accepts: 'nothing',
    drives: 'refused: PEM stores take no password'
  },
  {
    name: 'ssl.keystore.password',
    type: 'password',
    default: '(none)',
    accepts: 'nothing',
    drives: 'refused: PEM stores take no password'
  },
  {
    name: 'ssl.key.password',
    type: 'password',
    default: '(none)',
    accepts: 'nothing',
    drives: 'refused: give an unencrypted key'
  }
] as const satisfies readonly PropertySpec[]

/** A security property's name. */
export type SecurityPropertyName = (typeof SECURITY_PROPERTIES)[number]['name']

/** The security properties by name. */
export const SECURITY_PROPERTY_NAMES: ReadonlySet<string> = new Set(SECURITY_PROPERTIES.map((p) => p.name))

/** security.protocol, as Kafka's SecurityProtocol names it. */
export type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL'

/** SASL credentials for the client. */
export interface SaslSettings {
  readonly mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'
  readonly username: string
  readonly password: string
}

/** TLS settings for the client. */
export interface TlsSettings {
  readonly ca: string | undefined
  readonly cert: string | undefined
  readonly key: string | undefined
  /** ssl.endpoint.identification.algorithm = https (default) verifies the host name. */
  readonly verifyHostname: boolean
}

/** How a client connects: TLS with SSL and SASL_SSL, SASL with SASL_PLAINTEXT and SASL_SSL. */
export interface ConnectionSecurity {
  readonly tls: TlsSettings | undefined
  readonly sasl: SaslSettings | undefined
}

/** Reads a security property by name (a PropertyReader of any declaration that includes them). */
export interface SecurityPropertySource {
  get(name: SecurityPropertyName): string | undefined
}

/** How errors name a property and what kind of error they are. */
export interface PropertyErrors {
  /** The property as its user wrote it, e.g. `otherProperties.sasl.mechanism`. */
  name(property: SecurityPropertyName): string
  /** The error to raise about `property` (where it was given may decide its kind). */
  error(property: SecurityPropertyName, message: string): Error
}

const refuse = (errors: PropertyErrors, property: SecurityPropertyName, problem: string): Error =>
  errors.error(property, `${errors.name(property)} ${problem}`)

const PROTOCOLS: readonly string[] = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL']

/** security.protocol (PLAINTEXT when not set). */
export function securityProtocol(
  properties: SecurityPropertySource,
  errors: PropertyErrors
): SecurityProtocol {
  const text = properties.get('security.protocol')
  const protocol = (text ?? 'PLAINTEXT').trim().toUpperCase()
  if (!PROTOCOLS.includes(protocol)) {
    throw refuse(
      errors,
      'security.protocol',
      `must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL (got ${JSON.stringify(text)})`
    )
  }
  return protocol as SecurityProtocol
}

/** The TLS and SASL settings `protocol` calls for, from the ssl.* and sasl.* properties. */
export function securitySettings(
  properties: SecurityPropertySource,
  protocol: SecurityProtocol,
  errors: PropertyErrors
): ConnectionSecurity {
  return {
    tls: protocol === 'SSL' || protocol === 'SASL_SSL' ? tlsSettings(properties, errors) : undefined,
    sasl: protocol.startsWith('SASL_') ? saslSettings(properties, errors) : undefined
  }
}

// ThingsBoard turns "\n" escapes in these PEM values into newlines.
const pem = (value: string | undefined): string | undefined => value?.replaceAll('\\n', '\n')

const TLS_PROPERTIES = [
  'ssl.endpoint.identification.algorithm',
  'ssl.truststore.type',
  'ssl.truststore.certificates',
  'ssl.truststore.location',
  'ssl.truststore.password',
  'ssl.keystore.type',
  'ssl.keystore.certificate.chain',
  'ssl.keystore.key',
  'ssl.keystore.location',
  'ssl.keystore.password',
  'ssl.key.password'
] as const satisfies readonly SecurityPropertyName[]

function tlsSettings(read: SecurityPropertySource, errors: PropertyErrors): TlsSettings {
  const fail = (property: SecurityPropertyName, problem: string): Error => refuse(errors, property, problem)
  // All read at once: each counts as used with TLS, also where only another one's value decides.
  const properties: Readonly<Partial<Record<SecurityPropertyName, string>>> = Object.fromEntries(
    TLS_PROPERTIES.map((name) => [name, read.get(name)])
  )
  for (const [location, type, text] of [
    ['ssl.truststore.location', 'ssl.truststore.type', 'ssl.truststore.certificates'],
    ['ssl.keystore.location', 'ssl.keystore.type', 'ssl.keystore.certificate.chain']
  ] as const) {
    if (properties[location] !== undefined && (properties[type] ?? 'JKS').toUpperCase() !== 'PEM') {
      throw fail(
        location,
        `points to a ${properties[type] ?? 'JKS'} store, which this node cannot read; give PEM text in ${text} (with ${type}=PEM) instead`
      )
    }
  }
  const readPem = (location: 'ssl.truststore.location' | 'ssl.keystore.location'): string | undefined => {
    const path = properties[location]
    if (path === undefined) return undefined
    try {
      return readFileSync(path, 'utf8')
    } catch (error) {
      throw fail(location, `cannot be read: ${(error as Error).message}`)
    }
  }
  const algorithm = properties['ssl.endpoint.identification.algorithm']
  if (algorithm !== undefined && algorithm !== '' && algorithm.toLowerCase() !== 'https') {
    throw fail(
      'ssl.endpoint.identification.algorithm',
      `must be "https" or "" (got ${JSON.stringify(algorithm)})`
    )
  }
  // DefaultSslEngineFactory: PEM text needs its store type PEM, and a PEM store takes no store
  // password; an encrypted key (ssl.key.password) is more than this node reads.
  for (const [text, type] of [
    ['ssl.truststore.certificates', 'ssl.truststore.type'],
    ['ssl.keystore.certificate.chain', 'ssl.keystore.type'],
    ['ssl.keystore.key', 'ssl.keystore.type']
  ] as const) {
    const given = properties[type]
    if (properties[text] !== undefined && given !== undefined && given.trim().toUpperCase() !== 'PEM')
      throw fail(text, `needs ${type} PEM (got ${JSON.stringify(given)}), as the Java producer does`)
  }
  for (const name of ['ssl.truststore.password', 'ssl.keystore.password'] as const) {
    if (properties[name] !== undefined)
      throw fail(
        name,
        'is not supported: PEM stores take no password (the Java producer refuses it for PEM too)'
      )
  }
  if (properties['ssl.key.password'] !== undefined)
    throw fail('ssl.key.password', 'is not supported: give the key as an unencrypted PEM key')
  const keyText = pem(properties['ssl.keystore.key'])
  const ca = pem(properties['ssl.truststore.certificates']) ?? readPem('ssl.truststore.location')
  const cert = pem(properties['ssl.keystore.certificate.chain']) ?? readPem('ssl.keystore.location')
  if (ca !== undefined)
    checkCertificates(
      ca,
      properties['ssl.truststore.certificates'] === undefined
        ? 'ssl.truststore.location'
        : 'ssl.truststore.certificates',
      errors
    )
  if (cert !== undefined)
    checkCertificates(
      cert,
      properties['ssl.keystore.certificate.chain'] === undefined
        ? 'ssl.keystore.location'
        : 'ssl.keystore.certificate.chain',
      errors
    )
  if (keyText !== undefined) {
    try {
      createPrivateKey(keyText)
    } catch (error) {
      // OpenSSL's reason only: the text is a secret and stays out of the message.
      throw fail(
        'ssl.keystore.key',
        `is not a PEM private key the node can read (${(error as Error).message})`
      )
    }
  }
  return { ca, cert, key: keyText, verifyHostname: algorithm === undefined || algorithm !== '' }
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[^-]*-----END CERTIFICATE-----/g

// Node's TLS takes a trust store with no readable certificate without a word, and then trusts
// nothing; the Java producer's constructor fails on PEM it cannot read (its PEM store throws an
// InvalidConfigurationException), so the producer refuses it at load, not per message on connecting.
function checkCertificates(text: string, property: SecurityPropertyName, errors: PropertyErrors): void {
  const blocks = text.match(PEM_CERTIFICATE) ?? []
  if (blocks.length === 0)
    throw refuse(
      errors,
      property,
      'holds no PEM certificate (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)'
    )
  blocks.forEach((block, i) => {
    try {
      new X509Certificate(block)
    } catch (error) {
      throw refuse(errors, property, `certificate ${i + 1} is not valid PEM (${(error as Error).message})`)
    }
  })
}

function saslSettings(read: SecurityPropertySource, errors: PropertyErrors): SaslSettings {
  const fail = (property: SecurityPropertyName, problem: string): Error => refuse(errors, property, problem)
  const given = read.get('sasl.mechanism')
  const mechanism = (given ?? 'GSSAPI').trim().toUpperCase()
  if (mechanism === 'GSSAPI')
    throw fail(
      'sasl.mechanism',
      'GSSAPI (Kerberos, the Java default) is not supported; use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512'
    )
  if (mechanism === 'OAUTHBEARER')
    throw fail(
      'sasl.mechanism',
      'OAUTHBEARER is not supported (it needs a token callback); use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512'
    )
  if (mechanism !== 'PLAIN' && mechanism !== 'SCRAM-SHA-256' && mechanism !== 'SCRAM-SHA-512') {
    throw fail(
      'sasl.mechanism',
      `must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (got ${JSON.stringify(given)})`
    )
  }
  let username = read.get('sasl.username')
  let password = read.get('sasl.password')
  const jaas = read.get('sasl.jaas.config')
  if (jaas !== undefined) {
    const login = parseJaasConfig(jaas, {
      name: errors.name('sasl.jaas.config'),
      error: (message) => errors.error('sasl.jaas.config', message)
    })
    const expected = mechanism === 'PLAIN' ? 'PlainLoginModule' : 'ScramLoginModule'
    if (!login.module.endsWith(expected)) {
      throw fail(
        'sasl.jaas.config',
        `uses ${login.module}, but sasl.mechanism ${mechanism} needs org.apache.kafka.common.security.${mechanism === 'PLAIN' ? 'plain' : 'scram'}.${expected}`
      )
    }
    username = login.options.username ?? username
    password = login.options.password ?? password
  }
  if (username === undefined || password === undefined) {
    throw fail(
      'sasl.jaas.config',
      `must give username="..." and password="..." for ${mechanism} (or set sasl.username and sasl.password)`
    )
  }
  return { mechanism, username, password }
}
