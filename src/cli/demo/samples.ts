/** One request the demo sends to the HTTP front, as a device would. */
export interface SampleRequest {
  readonly token: string
  readonly kind: 'telemetry' | 'attributes'
  readonly body: unknown
}

/** What the demo's devices (examples/devices.json) post. */
export const sampleRequests: readonly SampleRequest[] = [
  { token: 'T1-token', kind: 'telemetry', body: { temperature: 21.5, humidity: 40 } },
  { token: 'T2-token', kind: 'telemetry', body: { temperature: 19.0, humidity: 55 } },
  { token: 'M1-token', kind: 'telemetry', body: { energy: 1520.25, voltage: 230 } },
  { token: 'T1-token', kind: 'attributes', body: { firmware: '1.2.0' } },
  { token: 'T1-token', kind: 'telemetry', body: { temperature: 21.75, humidity: 41 } },
  { token: 'M1-token', kind: 'telemetry', body: { energy: 1521.5, voltage: 229 } },
  { token: 'T2-token', kind: 'telemetry', body: { temperature: 19.25, humidity: 54 } }
]

/** One publish the demo makes to the MQTT front, as a device would. */
export interface SamplePublish {
  readonly token: string
  readonly protocolVersion: 4 | 5
  readonly topic: string
  readonly payload: unknown
}

/** What the demo's devices publish over MQTT: timestamped telemetry, an array, key-values. */
export const samplePublishes: readonly SamplePublish[] = [
  {
    token: 'T2-token',
    protocolVersion: 5,
    topic: 'v1/devices/me/telemetry',
    payload: [
      { ts: 1732400000000, values: { temperature: 19.5, humidity: 53 } },
      { ts: 1732400060000, values: { temperature: 19.75, humidity: 52 } }
    ]
  },
  {
    token: 'M1-token',
    protocolVersion: 4,
    topic: 'v1/devices/me/telemetry',
    payload: { ts: 1732400000000, values: { energy: 1522.75, voltage: 231 } }
  }
]

/** The messages the MQTT samples make: one per object of a payload. */
export const samplePublishedMessages = samplePublishes.reduce(
  (count, sample) => count + (Array.isArray(sample.payload) ? sample.payload.length : 1),
  0
)
