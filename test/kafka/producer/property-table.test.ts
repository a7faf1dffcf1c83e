import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { describeNodes } from '../../../src/cli/describe-command.js'
import { createDefaultRegistry } from '../../../src/nodes/index.js'
import { producerSettings } from '../../../src/kafka/producer/producer-properties.js'
import {
  KNOWN_PROPERTIES,
  PRODUCER_PROPERTIES,
  propertyTableMarkdown
} from '../../../src/kafka/producer/property-table.js'

const BASE = {
  bootstrapServers: ['localhost:9093'],
  retries: 0,
  batchSizeBytes: 16384,
  lingerMs: 0,
  bufferMemoryBytes: 33554432,
  acks: -1
} as const

test("the README's producer property table is the one the declaration generates", async () => {
  const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8')
  assert.ok(readme.includes(propertyTableMarkdown()), 'regenerate the property table in README.md')
})

test('describe kafka prints every declared property with its default and the setting it drives', () => {
  const text = describeNodes(createDefaultRegistry(), 'kafka')
  assert.equal(PRODUCER_PROPERTIES.length, KNOWN_PROPERTIES.size)
  for (const property of PRODUCER_PROPERTIES)
    assert.ok(
      text.includes(
        `  ${property.name}  (${property.type}, default ${property.default})\n      accepts ${property.accepts} -> ${property.drives}`
      ),
      property.name
    )
  assert.ok(
    text.includes(
      '  max.in.flight.requests.per.connection  (int, default 5)\n      accepts integer 1..2147483647 -> maxInFlight'
    )
  )
})

test('an integer property is checked against the range its declaration gives', () => {
  assert.throws(() => producerSettings(BASE, { 'max.in.flight.requests.per.connection': '0' }, () => {}), {
    message:
      'otherProperties.max.in.flight.requests.per.connection must be an integer between 1 and 2147483647 (got "0")'
  })
  assert.throws(() => producerSettings(BASE, { 'buffer.memory': '0' }, () => {}), {
    message: `otherProperties.buffer.memory must be an integer between 1 and ${Number.MAX_SAFE_INTEGER} (got "0")`
  })
  assert.equal(producerSettings(BASE, { 'retry.backoff.ms': '0' }, () => {}).retryBackoffMs, 0)
})

test('a known ssl.* or sasl.* property that the security.protocol does not use is reported by name, not dropped', () => {
  const warnings: string[] = []
  const settings = producerSettings(
    BASE,
    { 'ssl.truststore.type': 'PEM', 'sasl.mechanism': 'PLAIN', 'compression.type': 'gzip' },
    (warning) => warnings.push(warning)
  )
  assert.equal(settings.tls, undefined)
  assert.equal(settings.sasl, undefined)
  assert.equal(settings.compression, 'gzip')
  assert.deepEqual(warnings, [
    'otherProperties.ssl.truststore.type is not used with security.protocol PLAINTEXT; it is ignored',
    'otherProperties.sasl.mechanism is not used with security.protocol PLAINTEXT; it is ignored'
  ])
})
