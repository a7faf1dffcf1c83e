// mergeMetadata must build exactly what `{ ...metadata, ...entries }` builds: the same own entries
// in the same order, replaced values in place, and a "__proto__" key as an entry, not a prototype.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mergeMetadata } from '../../src/msg/merge-metadata.js'
import { pick, seededRandom } from '../helpers/random.js'

test('entries are added after the existing ones, replaced ones keep their place, the inputs stay as they were', () => {
  const metadata = { deviceName: 'T1', deviceType: 'thermostat', ts: '1732400000000' }
  const entries = { offset: '7', deviceType: 'sensor', partition: '2' }
  const merged = mergeMetadata(metadata, entries)
  assert.deepEqual(Object.entries(merged), [
    ['deviceName', 'T1'],
    ['deviceType', 'sensor'],
    ['ts', '1732400000000'],
    ['offset', '7'],
    ['partition', '2']
  ])
  assert.deepEqual(metadata, { deviceName: 'T1', deviceType: 'thermostat', ts: '1732400000000' })
  assert.deepEqual(entries, { offset: '7', deviceType: 'sensor', partition: '2' })
})

test('a "__proto__" entry (as JSON.parse makes one) stays an own entry; the prototype is untouched', () => {
  const metadata = JSON.parse('{"__proto__":"x","a":"1"}') as Record<string, string>
  const merged = mergeMetadata(metadata, JSON.parse('{"b":"2","__proto__":"y"}') as Record<string, string>)
  assert.equal(Object.getPrototypeOf(merged), Object.prototype)
  assert.deepEqual(Object.entries(merged), [
    ['__proto__', 'y'],
    ['a', '1'],
    ['b', '2']
  ])
  assert.equal(JSON.stringify(merged), '{"__proto__":"y","a":"1","b":"2"}')
})

test('on random metadata (integer-like keys included) the result equals the spread, entry for entry and in order', () => {
  const random = seededRandom(15)
  const keys = ['a', 'b', 'ts', '0', '10', '2', 'deviceName', '__proto__', '', 'offset']
  for (let round = 0; round < 500; round++) {
    const metadata: Record<string, string> = {}
    const entries: Record<string, string> = {}
    for (let i = 0; i < 5; i++) Object.defineProperty(metadata, pick(random, keys), own(`m${i}`))
    for (let i = 0; i < 3; i++) Object.defineProperty(entries, pick(random, keys), own(`e${i}`))
    const expected = { ...metadata, ...entries }
    const merged = mergeMetadata(metadata, entries)
    assert.deepEqual(Object.entries(merged), Object.entries(expected))
    assert.equal(JSON.stringify(merged), JSON.stringify(expected))
  }
})

function own(value: string): PropertyDescriptor {
  return { value, enumerable: true, writable: true, configurable: true }
}
