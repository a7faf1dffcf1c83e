// The payload forms ThingsBoard's device API accepts, over any transport. Telemetry: key-values,
// {"ts": <ms>, "values": {...}}, or an array of either; each object becomes one message, with
// its own ts when it says one (as ThingsBoard's JsonConverter makes one TsKvList per object and
// its transport one rule-engine message per TsKvList). Attributes: one key-value object. Gateway
// payloads: an object of device name -> an array of telemetry objects, or one attributes object.

/** A payload ThingsBoard's device API would refuse; the message says what is wrong. */
export class PayloadError extends Error {
  override readonly name = 'PayloadError'
}

/** One message's worth of a post: its data (JSON text) and the ts the payload gave, if any. */
export interface PostedValues {
  readonly data: string
  readonly ts?: number
}

/** What one device of a gateway's post said. */
export interface GatewayPost {
  readonly deviceName: string
  readonly values: readonly PostedValues[]
}

/** Parses JSON text; a PayloadError with the parser's reason when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch (failure) {
    throw new PayloadError(`is not JSON: ${(failure as Error).message}`)
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

// ThingsBoard reads ts with getAsLong: a JSON number or a string of one; we take whole numbers.
function readTs(ts: unknown, where: string): number {
  const value = typeof ts === 'string' && /^\d+$/.test(ts) ? Number(ts) : ts
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new PayloadError(`${where}"ts" must be milliseconds since the epoch (got ${JSON.stringify(ts)})`)
  }
  return value
}

function telemetryObject(object: Record<string, unknown>, where: string): PostedValues {
  // As ThingsBoard: the timestamped form needs both keys; otherwise the object is the values.
  if ('ts' in object && 'values' in object) {
    const ts = readTs(object.ts, where)
    if (!isObject(object.values)) throw new PayloadError(`${where}"values" must be a JSON object`)
    return { ts, data: JSON.stringify(object.values) }
  }
  return { data: JSON.stringify(object) }
}

function telemetryValue(value: unknown, where: string): PostedValues[] {
  if (isObject(value)) return [telemetryObject(value, where)]
  if (!Array.isArray(value)) throw new PayloadError(`${where}must be a JSON object or array`)
  return value.map((element, index) => {
    const at = `${where}element ${index}: `
    if (!isObject(element)) throw new PayloadError(`${at}must be a JSON object`)
    return telemetryObject(element, at)
  })
}

/**
 * A device's telemetry payload as the messages it makes. A plain key-value object keeps its text
 * as it came (numbers as written); the other forms are re-serialised per object.
 */
export function telemetryPayload(text: string): PostedValues[] {
  const value = parseJson(text)
  if (isObject(value) && !('ts' in value && 'values' in value)) return [{ data: text }]
  return telemetryValue(value, '')
}

/** A device's attributes payload: one key-value object, its text kept as it came. */
export function attributesPayload(text: string): PostedValues {
  const value = parseJson(text)
  if (!isObject(value)) throw new PayloadError('must be a JSON object')
  return { data: text }
}

function gatewayObject(text: string): Record<string, unknown> {
  const value = parseJson(text)
  if (!isObject(value)) throw new PayloadError('must be a JSON object of device name -> values')
  return value
}

/**
 * A gateway's telemetry: `{"Device A": [{"ts": 1, "values": {...}}, {"t": 2}], ...}`. Each device's
 * entry is an array, as ThingsBoard's gateway handler requires (it does not take a lone object).
 */
export function gatewayTelemetryPayload(text: string): GatewayPost[] {
  return Object.entries(gatewayObject(text)).map(([deviceName, value]) => {
    const where = `device "${deviceName}": `
    if (!Array.isArray(value)) throw new PayloadError(`${where}must be a JSON array of telemetry objects`)
    return { deviceName: checkedName(deviceName), values: telemetryValue(value, where) }
  })
}

/** A gateway's attributes: `{"Device A": {"firmware": "1.2"}, ...}`. */
export function gatewayAttributesPayload(text: string): GatewayPost[] {
  return Object.entries(gatewayObject(text)).map(([deviceName, value]) => {
    if (!isObject(value)) throw new PayloadError(`device "${deviceName}": must be a JSON object`)
    return { deviceName: checkedName(deviceName), values: [{ data: JSON.stringify(value) }] }
  })
}

function checkedName(name: string): string {
  if (name.trim() === '') throw new PayloadError('a device name must not be empty')
  return name
}
