// The benchmark's workload, the same for every contender: keyed device messages with JSON bodies
// and three metadata entries that the Kafka node sends as headers.

/** One message of the workload. */
export interface WorkItem {
  readonly key: string
  readonly value: string
  readonly metadata: Readonly<Record<string, string>>
}

const DEVICES = 1000

// Strings as a parsed input line gives them: flat. Built by concatenation and replace, V8 keeps
// them as ropes, which the first reader flattens into a new string that the workload (old by
// then) keeps alive: work and surviving garbage per message that no real input brings.
const flat = (text: string): string => Buffer.from(text, 'utf8').toString('utf8')

/** `count` messages over 1,000 device keys with bodies of about `bodyBytes` bytes. */
export function workload(count: number, bodyBytes = 200): WorkItem[] {
  const items: WorkItem[] = []
  for (let i = 0; i < count; i++) {
    const device = `device-${i % DEVICES}`
    const base = `{"ts":${1732400000000 + i},"temperature":${(20 + (i % 100) / 10).toFixed(1)},"humidity":${40 + (i % 30)},"fill":""}`
    const value = base.replace('"fill":""', `"fill":"${'x'.repeat(Math.max(0, bodyBytes - base.length))}"`)
    items.push({
      key: flat(device),
      value: flat(value),
      metadata: { deviceName: flat(device), deviceType: 'thermostat', ts: flat(String(1732400000000 + i)) }
    })
  }
  return items
}
