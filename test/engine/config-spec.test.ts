import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  booleanField,
  configTableMarkdown,
  enumField,
  integerField,
  parseConfig,
  stringField,
  stringMapField
} from '../../src/engine/config-spec.js'
import { ConfigError } from '../../src/errors.js'

const spec = {
  topic: stringField({ default: 'my-topic', description: 'Topic', nonEmpty: true }),
  key: stringField({ default: undefined, description: 'Key' }),
  retries: integerField({ default: 0, min: 0, description: 'Retries' }),
  linger: integerField({ default: 0, min: 0, max: 100, description: 'Linger' }),
  headers: booleanField({ default: false, description: 'Headers' }),
  acks: enumField({ values: ['-1', '0', '1', 'all'], default: '-1', description: 'Acks' }),
  props: stringMapField({ description: 'Other' })
} as const

test('absent and null fields take their defaults', () => {
  const { config, unknownFields } = parseConfig(spec, { key: null })
  assert.deepEqual(config, {
    topic: 'my-topic',
    key: undefined,
    retries: 0,
    linger: 0,
    headers: false,
    acks: '-1',
    props: {}
  })
  assert.deepEqual(unknownFields, [])
})

test('coerces what Jackson coerces: numeric strings, boolean strings, numbers as enum text', () => {
  const { config } = parseConfig(spec, { retries: '3', headers: 'true', acks: 1, props: { a: 1, b: true } })
  assert.equal(config.retries, 3)
  assert.equal(config.headers, true)
  assert.equal(config.acks, '1')
  assert.deepEqual(config.props, { a: '1', b: 'true' })
})

test('reports fields it does not know', () => {
  assert.deepEqual(parseConfig(spec, { keySerializer: 'x', topic: 't' }).unknownFields, ['keySerializer'])
})

const errors: { name: string; config: unknown; error: string; field?: string }[] = [
  {
    name: 'enum',
    config: { acks: '2' },
    error: 'acks must be one of -1, 0, 1, all (got "2")',
    field: 'acks'
  },
  {
    name: 'negative integer',
    config: { retries: -1 },
    error: 'retries must be an integer >= 0 (got -1)',
    field: 'retries'
  },
  {
    name: 'fraction',
    config: { retries: 1.5 },
    error: 'retries must be an integer >= 0 (got 1.5)',
    field: 'retries'
  },
  {
    name: 'over max',
    config: { linger: 101 },
    error: 'linger must be an integer between 0 and 100 (got 101)',
    field: 'linger'
  },
  {
    name: 'boolean',
    config: { headers: 'yes' },
    error: 'headers must be true or false (got "yes")',
    field: 'headers'
  },
  { name: 'string', config: { topic: 5 }, error: 'topic must be a string (got 5)', field: 'topic' },
  { name: 'empty string', config: { topic: ' ' }, error: 'topic must not be empty', field: 'topic' },
  {
    name: 'map entry',
    config: { props: { a: [] } },
    error: 'props.a must be a string (got an array)',
    field: 'props'
  },
  {
    name: 'map',
    config: { props: 'a=b' },
    error: 'props must be an object of strings (got "a=b")',
    field: 'props'
  },
  { name: 'whole configuration', config: [], error: 'configuration must be a JSON object (got an array)' }
]

for (const row of errors) {
  test(`a bad ${row.name} is a ConfigError naming field, value and what is allowed`, () => {
    assert.throws(
      () => parseConfig(spec, row.config),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError)
        assert.equal(error.message, row.error)
        assert.equal(error.context.field, row.field)
        return true
      }
    )
  })
}

test('renders the declaration as a Markdown table', () => {
  const table = configTableMarkdown({
    acks: spec.acks,
    key: spec.key
  })
  assert.equal(
    table,
    [
      '| field | type | default | description |',
      '|---|---|---|---|',
      '| `acks` | "-1" \\| "0" \\| "1" \\| "all" | `"-1"` | Acks |',
      '| `key` | string | `(none)` | Key |'
    ].join('\n')
  )
})
