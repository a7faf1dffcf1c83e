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

/** Parses one login module entry; a malformed one is a ConfigError saying where. */
export function parseJaasConfig(text: string): JaasLogin {
  const entry = ENTRY.exec(text)
  if (entry === null) {
    throw new ConfigError(
      `otherProperties.sasl.jaas.config must look like '<LoginModule class> required username="..." password="...";' (got ${HIDDEN})`,
      { field: 'otherProperties' }
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
      throw new ConfigError(
        `otherProperties.sasl.jaas.config: cannot read the options${after}; write them as key="value" (got ${HIDDEN})`,
        { field: 'otherProperties' }
      )
    }
    const value = match[2] ?? match[3] ?? match[4] ?? ''
    options[match[1] as string] = value.replace(/\\(.)/g, '$1')
    at = OPTION.lastIndex
  }
  return { module, options }
}
