import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ConfigError } from '../../../src/errors.js'
import { bootstrapServer, parseBootstrapServers } from '../../../src/kafka/producer/bootstrap-servers.js'

// What kafka-clients 4.1.1 makes of bootstrap.servers (ConfigDef's list, then
// ClientUtils.parseAndValidateAddresses), learnt by running it on each of these strings.

const ACCEPTED: { text: string; servers: string[] }[] = [
  { text: 'localhost:9092', servers: ['localhost:9092'] },
  { text: 'PLAINTEXT://localhost:9092', servers: ['localhost:9092'] },
  { text: 'SASL_SSL://h1:9093, h2:9094', servers: ['h1:9093', 'h2:9094'] },
  { text: '[::1]:9092', servers: ['[::1]:9092'] },
  { text: '::1:9092', servers: ['[::1]:9092'] },
  { text: 'PLAINTEXT://[::1]:9092', servers: ['[::1]:9092'] },
  { text: 'http://x:1', servers: ['x:1'] },
  { text: ' a:1 , b:2 ', servers: ['a:1', 'b:2'] },
  { text: 'a:1,,b:2', servers: ['a:1', 'b:2'] },
  { text: 'a:1,', servers: ['a:1'] },
  {
    text: 'broker-1.example.com:9092,broker_2.internal:19092',
    servers: ['broker-1.example.com:9092', 'broker_2.internal:19092']
  },
  // InetAddress.getByName("") is the loopback address.
  { text: ':9092', servers: ['localhost:9092'] }
]

for (const row of ACCEPTED) {
  test(`bootstrap.servers ${JSON.stringify(row.text)} is ${row.servers.join(' and ')}`, () => {
    assert.deepEqual(parseBootstrapServers(row.text, 'bootstrapServers'), row.servers)
  })
}

const REFUSED: { text: string; error: string }[] = [
  {
    text: 'localhost',
    error: 'bootstrapServers must be a comma-separated list of host:port (got "localhost")'
  },
  { text: '[::1]', error: 'bootstrapServers must be a comma-separated list of host:port (got "[::1]")' },
  { text: 'a b:1', error: 'bootstrapServers must be a comma-separated list of host:port (got "a b:1")' },
  { text: 'h:-1', error: 'bootstrapServers must be a comma-separated list of host:port (got "h:-1")' },
  { text: 'h:9092/', error: 'bootstrapServers must be a comma-separated list of host:port (got "h:9092/")' },
  {
    text: 'weird*host:1',
    error: 'bootstrapServers must be a comma-separated list of host:port (got "weird*host:1")'
  },
  {
    text: 'x://y://z:1',
    error: 'bootstrapServers must be a comma-separated list of host:port (got "x://y://z:1")'
  },
  { text: 'ok:1, bad', error: 'bootstrapServers must be a comma-separated list of host:port (got "bad")' },
  {
    text: 'h:65536',
    error: 'bootstrapServers has port 65536 in "h:65536"; a port must be between 1 and 65535'
  },
  {
    text: 'h:99999999999',
    error: 'bootstrapServers has port 99999999999 in "h:99999999999"; a port must be between 1 and 65535'
  },
  { text: ' , ', error: 'bootstrapServers must list at least one host:port (got " , ")' }
]

for (const row of REFUSED) {
  test(`bootstrap.servers ${JSON.stringify(row.text)} is refused, naming the field and the entry`, () => {
    assert.throws(
      () => parseBootstrapServers(row.text, 'bootstrapServers'),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError)
        assert.equal(error.message, row.error)
        assert.equal(error.context.field, 'bootstrapServers')
        return true
      }
    )
  })
}

test('a property names itself and its field otherProperties', () => {
  assert.throws(
    () => parseBootstrapServers('nohost', 'otherProperties.bootstrap.servers'),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.message ===
        'otherProperties.bootstrap.servers must be a comma-separated list of host:port (got "nohost")' &&
      error.context.field === 'otherProperties'
  )
})

test('an entry splits into the host (IPv6 without brackets) and the port', () => {
  assert.deepEqual(bootstrapServer('localhost:9092'), { host: 'localhost', port: 9092 })
  assert.deepEqual(bootstrapServer('[::1]:19092'), { host: '::1', port: 19092 })
  assert.deepEqual(bootstrapServer('[fe80::1%lo]:1'), { host: 'fe80::1%lo', port: 1 })
})
