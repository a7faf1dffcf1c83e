import { readFile } from 'node:fs/promises'
import { ConfigError } from '../errors.js'

/** A device known to the device fronts: what ThingsBoard's device API derives from an access token. */
export interface Device {
  readonly token: string
  readonly name: string
  readonly type: string
  readonly id: string
  /** A gateway posts for other devices by name (ThingsBoard's gateway API); default false. */
  readonly gateway: boolean
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/

/**
 * Reads a devices file: `{ "<access token>": { "name": "T1", "type": "thermostat", "id": "<uuid>" } }`,
 * with `"gateway": true` on the tokens that may use the gateway API.
 * Errors name the file, the token and the field.
 */
export function parseDevices(raw: unknown, source = 'devices'): Map<string, Device> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(`${source}: must be a JSON object of access token -> { "name", "type", "id" }`)
  }
  const devices = new Map<string, Device>()
  for (const [token, entry] of Object.entries(raw as Record<string, unknown>)) {
    const where = `${source}: device "${token}"`
    if (token === '' || token.includes('/'))
      throw new ConfigError(`${where}: an access token must be non-empty and have no "/"`)
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new ConfigError(`${where} must be an object { "name", "type", "id" }`)
    }
    const { name, type, id, gateway } = entry as Record<string, unknown>
    if (typeof name !== 'string' || name === '')
      throw new ConfigError(`${where}.name must be a non-empty string`)
    if (type !== undefined && typeof type !== 'string')
      throw new ConfigError(`${where}.type must be a string`)
    if (typeof id !== 'string' || !UUID.test(id)) {
      throw new ConfigError(`${where}.id must be a UUID (got ${JSON.stringify(id) ?? 'nothing'})`)
    }
    if (gateway !== undefined && typeof gateway !== 'boolean')
      throw new ConfigError(`${where}.gateway must be true or false`)
    devices.set(token, { token, name, type: type ?? 'default', id, gateway: gateway ?? false })
  }
  return devices
}

/** Reads and checks a devices file. */
export async function loadDevices(path: string): Promise<Map<string, Device>> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new ConfigError(`cannot read devices file ${path}: ${(error as Error).message}`)
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    throw new ConfigError(`devices file ${path} is not JSON: ${(error as Error).message}`)
  }
  return parseDevices(raw, path)
}
