import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseKafkaInputOptions } from '../../src/cli/kafka-input-options.js'
import { UsageError } from '../../src/errors.js'
import { runCli } from '../helpers/cli.js'
import { address, startTestBroker } from '../helpers/broker.js'
import { kafkaChainFile } from '../helpers/chain-file.js'

const base = { 'kafka-input': 'h1:9092,h2:9092', topics: 'a,b', group: 'g' }

test('the Kafka input options: defaults, and each error names its option', () => {
  assert.deepEqual(parseKafkaInputOptions(base), {
    bootstrapServers: ['h1:9092', 'h2:9092'],
    topics: ['a', 'b'],
    groupId: 'g',
    clientId: 'kafka-rule-node',
    format: {
      format: 'json',
      type: 'POST_TELEMETRY_REQUEST',
      originator: { entityType: 'DEVICE', id: '13814000-1dd2-11b2-8080-808080808080' }
    },
    deadLetterTopic: undefined,
    maxInFlight: 1000,
    commitIntervalMs: 200,
    sessionTimeoutMs: 10_000,
    revokeTimeoutMs: 10_000
  })
  assert.equal(parseKafkaInputOptions({}), undefined)
  const raw = parseKafkaInputOptions({
    ...base,
    'input-format': 'raw',
    'msg-type': 'CUSTOM',
    originator: 'ASSET:00000000-0000-4000-8000-0000000000aa'
  })
  assert.deepEqual(raw?.format, {
    format: 'raw',
    type: 'CUSTOM',
    originator: { entityType: 'ASSET', id: '00000000-0000-4000-8000-0000000000aa' }
  })
  const cases: [Record<string, string>, string][] = [
    [{ topics: 'a' }, '--topics needs --kafka-input BOOTSTRAP'],
    [{ 'kafka-input': 'h:1', group: 'g' }, '--kafka-input needs --topics T1[,T2...]'],
    [{ 'kafka-input': 'h:1', topics: 'a' }, '--kafka-input needs --group GROUP'],
    [
      { ...base, 'kafka-input': 'h1' },
      '--kafka-input must be a comma-separated list of host:port (got "h1")'
    ],
    [
      { ...base, 'kafka-input': 'h1:0' },
      '--kafka-input has port 0 in "h1:0"; a port must be between 1 and 65535'
    ],
    [{ ...base, topics: 'a,,b' }, '--topics must be a comma-separated list without empty items (got "a,,b")'],
    [{ ...base, 'input-format': 'xml' }, '--input-format must be one of json, raw (got "xml")'],
    [
      { ...base, 'msg-type': 'X' },
      '--msg-type and --originator are for --input-format raw (a json record names its own)'
    ],
    [
      { ...base, 'input-format': 'raw', originator: 'DEVICE:nope' },
      '--originator must be ENTITY_TYPE:UUID, e.g. DEVICE:<uuid> (got "DEVICE:nope")'
    ],
    [{ ...base, 'max-in-flight': '0' }, '--max-in-flight must be a whole number of at least 1 (got "0")'],
    [
      { ...base, 'session-timeout-ms': '10s' },
      '--session-timeout-ms must be a whole number of at least 1000 (got "10s")'
    ]
  ]
  for (const [values, message] of cases) {
    assert.throws(
      () => parseKafkaInputOptions(values),
      (error: unknown) => {
        assert.ok(error instanceof UsageError)
        assert.equal(error.message, message)
        return true
      }
    )
  }
})

test('run --kafka-input with the device fronts: --http needs no --devices, --mqtt and --spool still do', async () => {
  const chain = kafkaChainFile({ topicPattern: 'out', bootstrapServers: '127.0.0.1:9' })
  const input = ['--kafka-input', '127.0.0.1:9', '--topics', 'in', '--group', 'g']
  const cases: [string[], string][] = [
    [['--http', '0', '--mqtt', '0'], '--mqtt needs --devices FILE (access token -> device)'],
    [['--mqtt', '0'], '--mqtt needs --devices FILE (access token -> device)'],
    [
      ['--http', '0', '--spool', 'spool'],
      '--spool needs --devices FILE (it keeps what the device fronts accept)'
    ]
  ]
  for (const [fronts, message] of cases) {
    const result = await runCli(['run', chain, ...input, ...fronts])
    assert.equal(result.code, 2, result.stderr)
    assert.equal(result.stderr.split('\n')[0], `kafka-rule-node: ${message}`)
  }
})

test('run --kafka-input on a topic that does not exist: exit 1 with an error naming topic, group and servers', async (t) => {
  const broker = await startTestBroker(t)
  const chain = kafkaChainFile({ topicPattern: 'out', bootstrapServers: address(broker) })
  const result = await runCli([
    'run',
    chain,
    '--kafka-input',
    address(broker),
    '--topics',
    'missing-topic',
    '--group',
    'g1'
  ])
  assert.equal(result.code, 1)
  assert.match(
    result.stderr,
    new RegExp(
      `^kafka-rule-node: ServiceError: kafka input: cannot consume missing-topic as group g1 from ${address(broker)}: .*missing-topic`,
      'm'
    )
  )
})
