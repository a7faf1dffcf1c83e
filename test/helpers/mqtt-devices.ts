import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCommand } from './process.js'

/** The devices the MQTT tests use: two devices and a gateway. */
export const MQTT_DEVICES = {
  'tok-t1': { name: 'T1', type: 'thermostat', id: '6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0' },
  'tok-m7': { name: 'M7', type: 'meter', id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d' },
  'tok-gw': { name: 'GW', type: 'gateway', id: '2b3c4d5e-6f70-4812-9a3b-4c5d6e7f8091', gateway: true }
} as const

/** Writes MQTT_DEVICES to a devices file. */
export function mqttDevicesFile(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'krn-mqtt-')), 'devices.json')
  writeFileSync(path, JSON.stringify(MQTT_DEVICES))
  return path
}

/** Runs Debian's mosquitto_pub with `args`; resolves with its exit status and output. */
export function mosquittoPub(
  port: number,
  args: string[]
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return runCommand('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), ...args])
}
