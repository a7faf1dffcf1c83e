// The rule-engine messages a device's post becomes, the same for every front: originator the
// device, metadata deviceName, deviceType and ts, as ThingsBoard's transport service sets them.

import { createHash } from 'node:crypto'
import { TbMsg } from '../msg/message.js'
import type { Device } from './devices.js'
import type { PostedValues } from './payload.js'

/** The device API a post went to. */
export type DeviceApi = 'telemetry' | 'attributes'

/** The message type ThingsBoard gives each API's posts. */
export const MESSAGE_TYPES: Readonly<Record<DeviceApi, string>> = {
  telemetry: 'POST_TELEMETRY_REQUEST',
  attributes: 'POST_ATTRIBUTES_REQUEST'
}

/** One post of a device: who posted, to which API, what, and when it was taken in. */
export interface DevicePost {
  readonly device: Pick<Device, 'id' | 'name' | 'type'>
  readonly api: DeviceApi
  readonly posted: readonly PostedValues[]
  readonly now: number
}

/**
 * The messages of one post: one per entry, `ts` in metadata the entry's own or `now`. Every
 * message's own ts is `now`, the time it was taken in.
 */
export function deviceMessages({ device, api, posted, now }: DevicePost): TbMsg[] {
  const type = MESSAGE_TYPES[api]
  const originator = { entityType: 'DEVICE', id: device.id }
  return posted.map((entry) =>
    TbMsg.create({
      ts: now,
      type,
      originator,
      metadata: { deviceName: device.name, deviceType: device.type, ts: String(entry.ts ?? now) },
      data: entry.data
    })
  )
}

// The namespace of gateway device ids (a random UUID chosen once for this project): a name
// hashed under it gives the same id on every run and every machine.
const GATEWAY_DEVICE_NAMESPACE = Buffer.from('9c1d7f0e4b2a4e5f8a6b3c2d1e0f9a8b', 'hex')

/** A name-based (version 5, SHA-1) UUID of `name` in `namespace` (16 bytes), per RFC 9562 §5.5. */
export function uuidV5(namespace: Buffer, name: string): string {
  const hash = createHash('sha1').update(namespace).update(name, 'utf8').digest()
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80
  const hex = hash.subarray(0, 16).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/**
 * The device a gateway posts for by name. A device of that name in the devices file is itself
 * (its id and type); any other is what ThingsBoard would create on first sight (type "default"),
 * with an id derived from its name alone, so that it is the same device whichever gateway posts
 * for it and after any restart (ThingsBoard's device names are unique in a tenant).
 */
export function gatewayDevice(
  byName: ReadonlyMap<string, Device>,
  name: string
): Pick<Device, 'id' | 'name' | 'type'> {
  const known = byName.get(name)
  if (known !== undefined) return known
  return { id: uuidV5(GATEWAY_DEVICE_NAMESPACE, name), name, type: 'default' }
}
