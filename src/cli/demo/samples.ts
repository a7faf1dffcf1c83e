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
