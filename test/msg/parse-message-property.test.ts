// Property test: whatever a line holds, parsing it gives a message or a MessageError, never
// another exception; and what it gives keeps the model's rules.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MessageError } from '../../src/errors.js'
import { parseMessage } from '../../src/msg/parse-message.js'
import { pick, seededRandom } from '../helpers/random.js'

const seed = Number(process.env.PARSE_SEED ?? 7)

function randomValue(random: () => number, depth: number): unknown {
  const kind = Math.floor(random() * (depth > 2 ? 5 : 7))
  switch (kind) {
    case 0:
      return null
    case 1:
      return random() < 0.5
    case 2:
      return pick(random, [0, -1, 1.5, 1e21, 2 ** 53, NaN])
    case 3:
      return pick(random, ['', 'T', 'DEVICE', '6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0', 'JSON', '\u0000', '💡'])
    case 4:
      return String.fromCharCode(Math.floor(random() * 0xffff))
    case 5:
      return Array.from({ length: Math.floor(random() * 3) }, () => randomValue(random, depth + 1))
    default: {
      const out: Record<string, unknown> = {}
      const keys = [
        'type',
        'id',
        'ts',
        'originator',
        'entityType',
        'metadata',
        'data',
        'dataType',
        '__proto__',
        'x'
      ]
      for (let i = Math.floor(random() * 5); i > 0; i--)
        out[pick(random, keys)] = randomValue(random, depth + 1)
      return out
    }
  }
}

function expectMessageOrMessageError(line: string, label: string): void {
  try {
    const msg = parseMessage(line)
    assert.equal(typeof msg.type, 'string', label)
    assert.ok(msg.type.length > 0, label)
    assert.equal(typeof msg.data, 'string', label)
    for (const value of Object.values(msg.metadata)) assert.equal(typeof value, 'string', label)
  } catch (error) {
    if (!(error instanceof MessageError)) assert.fail(`${label}: threw ${String(error)}`)
  }
}

test('random JSON structures parse to a valid message or a MessageError', () => {
  const random = seededRandom(seed)
  for (let i = 0; i < 20_000; i++) {
    const line = JSON.stringify(randomValue(random, 0)) ?? 'null'
    expectMessageOrMessageError(line, `seed ${seed} case ${i}: ${line}`)
  }
})

test('random bytes, truncated lines and binary garbage give a MessageError', () => {
  const random = seededRandom(seed + 1)
  const valid = '{"type":"POST_TELEMETRY_REQUEST","metadata":{"a":"b"},"data":{"t":21.5}}'
  for (let i = 0; i < 20_000; i++) {
    const bytes = Buffer.alloc(Math.floor(random() * 64), 0)
    for (let b = 0; b < bytes.length; b++) bytes[b] = Math.floor(random() * 256)
    expectMessageOrMessageError(bytes.toString('utf8'), `seed ${seed} bytes case ${i}`)
    expectMessageOrMessageError(valid.slice(0, Math.floor(random() * valid.length)), `truncated case ${i}`)
  }
})
