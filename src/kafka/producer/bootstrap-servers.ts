// bootstrap.servers as the Java client reads it (kafka-clients 4.1.1): ConfigDef splits the list at
// commas with any white space around them and drops empty entries; ClientUtils
// .parseAndValidateAddresses takes each entry apart with Utils.getHost/getPort, whose pattern
// accepts an optional `<protocol>://` prefix (ignored: the protocol comes from security.protocol),
// an IPv6 address in brackets or bare, and requires a port. An empty host is the loopback address.

import { ConfigError } from '../../errors.js'

/** A broker to bootstrap from. */
export interface BootstrapServer {
  readonly host: string
  readonly port: number
}

// Utils.HOST_PORT_PATTERN: protocol prefix, host (IPv6 in optional brackets), port.
const HOST_PORT = /^(?:[0-9a-zA-Z\-%._]*:\/\/)?\[?([0-9a-zA-Z\-%._:]*)\]?:([0-9]+)$/

/**
 * Parses a bootstrap.servers list into `host:port` entries (an IPv6 host in brackets); a bad
 * entry is a ConfigError that names `name` and the entry.
 */
export function parseBootstrapServers(text: string, name: string): string[] {
  const field = name.startsWith('otherProperties.') ? 'otherProperties' : name
  const entries = text
    .trim()
    .split(/\s*,\s*/)
    .filter((entry) => entry !== '')
  if (entries.length === 0)
    throw new ConfigError(`${name} must list at least one host:port (got ${JSON.stringify(text)})`, { field })
  return entries.map((entry) => {
    const match = HOST_PORT.exec(entry)
    if (match === null)
      throw new ConfigError(
        `${name} must be a comma-separated list of host:port (got ${JSON.stringify(entry)})`,
        { field }
      )
    const digits = match[2] as string
    const port = Number(digits)
    if (port < 1 || port > 65535)
      throw new ConfigError(
        `${name} has port ${digits} in ${JSON.stringify(entry)}; a port must be between 1 and 65535`,
        { field }
      )
    // InetAddress.getByName("") is the loopback address.
    const host = match[1] === '' ? 'localhost' : (match[1] as string)
    return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
  })
}

/** Host and port of an entry as parseBootstrapServers writes it. */
export function bootstrapServer(entry: string): BootstrapServer {
  const colon = entry.lastIndexOf(':')
  const host = entry.slice(0, colon)
  return {
    host: host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host,
    port: Number(entry.slice(colon + 1))
  }
}
