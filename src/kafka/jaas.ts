// Reads `sasl.jaas.config`, the Java producer's login module line, e.g.
//   org.apache.kafka.common.security.plain.PlainLoginModule required username="K" password="S";
// (JAAS configuration file syntax: module class, control flag, key=value options, ending ";").

import { ConfigError } from '../errors.js'

// The value holds the password: errors never quote it, as Kafka prints a Password as "[hidden]".
const HIDDEN = '[hidden]'

/** The parts of a JAAS login module entry that matter here. */
export interface JaasLogin {
  readonly module: string
  readonly options: Readonly<Record<string, string>>
}

const ENTRY = /^\s*([\w.$]+)\s+(required|requisite|sufficient|optional)\s*([\s\S]*?)\s*;?\s*$/
const OPTION = /\s*([\w.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^\s";]+))/y

/** Where the text came from: the property's name as its user wrote it, and the error to raise. */
export interface JaasSource {
  readonly name: string
  readonly error: (message: string) => Error
}

// The Kafka node's otherProperties.
const NODE_PROPERTY: JaasSource = {
  name: 'otherProperties.sasl.jaas.config',
  error: (message) => new ConfigError(message, { field: 'otherProperties' })
}

/** Parses one login module entry; a malformed one is an error naming `source`. */
export function parseJaasConfig(text: string, source: JaasSource = NODE_PROPERTY): JaasLogin {
  const entry = ENTRY.exec(text)
  if (entry === null) {
    throw source.error(
      `${source.name} must look like '<LoginModule class> required username="..." password="...";' (got ${HIDDEN})`
    )
  }
  const [, module = '', , rest = ''] = entry
  const options: Record<string, string> = {}
  OPTION.lastIndex = 0
  let at = 0
  while (at < rest.length) {
    OPTION.lastIndex = at
    const match = OPTION.exec(rest)
    if (match === null) {
      if (rest.slice(at).trim() === '') break
      const read = Object.keys(options)
      const after = read.length === 0 ? '' : ` after ${JSON.stringify(read.at(-1))}`
      throw source.error(
        `${source.name}: cannot read the options${after}; write them as key="value" (got ${HIDDEN})`
      )
    }
    const value = match[2] ?? match[3] ?? match[4] ?? ''
    options[match[1] as string] = value.replace(/\\(.)/g, '$1')
    at = OPTION.lastIndex
  }
  return { module, options }
}
