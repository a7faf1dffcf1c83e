// `run --kafka-input-config FILE`: the Kafka input's settings from a JSON file, each error naming
// the file and the field, the command line overriding the file; and one run that consumes with them.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { parseKafkaInputOptions } from '../../src/cli/kafka-input-options.js'
import { ConfigError, UsageError } from '../../src/errors.js'
import { eachBroker } from '../helpers/broker-targets.js'
import { uniqueTopic } from '../helpers/broker.js'
import { kafkaChainFile } from '../helpers/chain-file.js'
import { startCli } from '../helpers/cli.js'
import { produceInOrder } from '../helpers/produce-in-order.js'

/** Writes `content` (JSON unless a string) to a fresh file; returns its path. */
function configFile(content: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'krn-kin-config-')), 'kafka-input.json')
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
  return path
}

const full = {
  bootstrapServers: ['h1:9092', 'h2:9092'],
  topics: ['a', 'b'],
  group: 'g',
  inputFormat: 'raw',
  msgType: 'FROM_FILE',
  originator: 'ASSET:00000000-0000-4000-8000-0000000000aa',
  deadLetterTopic: 'dlt',
  maxInFlight: 50,
  commitIntervalMs: 100,
  sessionTimeoutMs: 6000,
  revokeTimeoutMs: 2000,
  clientId: 'from-file'
}

test('--kafka-input-config: every setting from the file, lists as arrays or comma-separated', () => {
  const path = configFile(full)
  assert.deepEqual(parseKafkaInputOptions({ 'kafka-input-config': path }), {
    bootstrapServers: ['h1:9092', 'h2:9092'],
    topics: ['a', 'b'],
    groupId: 'g',
    clientId: 'from-file',
    format: {
      format: 'raw',
      type: 'FROM_FILE',
      originator: { entityType: 'ASSET', id: '00000000-0000-4000-8000-0000000000aa' }
    },
    deadLetterTopic: 'dlt',
    maxInFlight: 50,
    commitIntervalMs: 100,
    sessionTimeoutMs: 6000,
    revokeTimeoutMs: 2000
  })
  const commas = configFile({ bootstrapServers: 'h1:9092,h2:9092', topics: 'a,b', group: 'g' })
  const settings = parseKafkaInputOptions({ 'kafka-input-config': commas })
  assert.deepEqual(settings?.bootstrapServers, ['h1:9092', 'h2:9092'])
  assert.deepEqual(settings?.topics, ['a', 'b'])
  assert.equal(settings?.maxInFlight, 1000)
})

test('--kafka-input-config: an option on the command line overrides the same setting in the file', () => {
  const path = configFile(full)
  const settings = parseKafkaInputOptions({
    'kafka-input-config': path,
    'kafka-input': 'h3:9093',
    group: 'cli-group',
    'msg-type': 'FROM_CLI',
    'max-in-flight': '7'
  })
  assert.deepEqual(settings?.bootstrapServers, ['h3:9093'])
  assert.equal(settings?.groupId, 'cli-group')
  assert.equal(settings?.format.type, 'FROM_CLI')
  assert.equal(settings?.maxInFlight, 7)
  // What the command line does not name still comes from the file.
  assert.deepEqual(settings?.topics, ['a', 'b'])
  assert.equal(settings?.deadLetterTopic, 'dlt')
  assert.equal(settings?.commitIntervalMs, 100)
  // A value from the command line is checked, and named, as the option.
  assert.throws(
    () => parseKafkaInputOptions({ 'kafka-input-config': path, 'max-in-flight': '0' }),
    (error: unknown) =>
      error instanceof UsageError &&
      error.message === '--max-in-flight must be a whole number of at least 1 (got "0")'
  )
})

test('--kafka-input-config: each error names the file and the field', () => {
  const base = { bootstrapServers: 'h1:9092', topics: ['a'], group: 'g' }
  const missingFile = join(mkdtempSync(join(tmpdir(), 'krn-kin-config-')), 'absent.json')
  const cases: [string, string][] = [
    [
      missingFile,
      `--kafka-input-config ${missingFile} cannot be read: ENOENT: no such file or directory, open '${missingFile}'`
    ],
    [configFile('{"group": '), `--kafka-input-config %s is not JSON: Unexpected end of JSON input`],
    [configFile('["a"]'), '--kafka-input-config %s must hold a JSON object of settings'],
    [
      configFile({ ...base, groupId: 'g' }),
      '--kafka-input-config %s: unknown field "groupId" (known: bootstrapServers, topics, group, inputFormat, msgType, originator, deadLetterTopic, maxInFlight, commitIntervalMs, sessionTimeoutMs, revokeTimeoutMs, clientId, properties)'
    ],
    [
      configFile({ ...base, maxInFlight: '50' }),
      '--kafka-input-config %s: maxInFlight must be a number (got "50")'
    ],
    [
      configFile({ ...base, maxInFlight: 0 }),
      '--kafka-input-config %s: maxInFlight must be a whole number of at least 1 (got "0")'
    ],
    [
      configFile({ ...base, sessionTimeoutMs: 1.5 }),
      '--kafka-input-config %s: sessionTimeoutMs must be a whole number of at least 1000 (got "1.5")'
    ],
    [
      configFile({ ...base, topics: ['a', 2] }),
      '--kafka-input-config %s: topics must be an array of strings (got ["a",2])'
    ],
    [
      configFile({ ...base, topics: 'a,,b' }),
      '--kafka-input-config %s: topics must be a comma-separated list without empty items (got "a,,b")'
    ],
    [configFile({ ...base, group: 7 }), '--kafka-input-config %s: group must be a string (got 7)'],
    [
      configFile({ ...base, bootstrapServers: 'h1' }),
      '--kafka-input-config %s: bootstrapServers must be a comma-separated list of host:port (got "h1")'
    ],
    [
      configFile({ ...base, inputFormat: 'xml' }),
      '--kafka-input-config %s: inputFormat must be one of json, raw (got "xml")'
    ],
    [
      configFile({ ...base, msgType: 'X' }),
      '--kafka-input-config %s: msgType is for inputFormat raw (a json record names its own)'
    ],
    [
      configFile({ ...base, inputFormat: 'raw', originator: 'DEVICE:nope' }),
      '--kafka-input-config %s: originator must be ENTITY_TYPE:UUID, e.g. DEVICE:<uuid> (got "DEVICE:nope")'
    ],
    [
      configFile({ topics: ['a'], group: 'g' }),
      '--kafka-input-config %s has no bootstrapServers, and the command line no --kafka-input BOOTSTRAP'
    ],
    [
      configFile({ bootstrapServers: 'h1:9092', group: 'g' }),
      '--kafka-input-config %s has no topics, and the command line no --topics T1[,T2...]'
    ],
    [
      configFile({ bootstrapServers: 'h1:9092', topics: ['a'] }),
      '--kafka-input-config %s has no group, and the command line no --group GROUP'
    ]
  ]
  for (const [path, message] of cases) {
    assert.throws(
      () => parseKafkaInputOptions({ 'kafka-input-config': path }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError, String(error))
        assert.equal(error.message, message.replace('%s', path))
        return true
      }
    )
  }
})

eachBroker(
  'run --kafka-input-config FILE consumes as the file says, with --msg-type from the command line over it',
  async (t, target) => {
    const input = uniqueTopic('cfg-in')
    const output = uniqueTopic('cfg-out')
    const deadLetter = uniqueTopic('cfg-dlt')
    const group = uniqueTopic('cfg-group')
    for (const topic of [input, output, deadLetter]) await target.createTopic(topic, 1)
    const kafka = new Kafka({
      clientId: 'config-test',
      brokers: [target.bootstrap],
      logLevel: logLevel.NOTHING
    })
    // Offsets 0, 1 (a tombstone, no message), 2.
    await produceInOrder(kafka, input, [
      { key: 'k1', value: '21.5' },
      { key: 'k2', value: null },
      { key: 'k3', value: 'text' }
    ])

    const config = configFile({
      bootstrapServers: [target.bootstrap],
      topics: [input],
      group,
      inputFormat: 'raw',
      msgType: 'FROM_FILE',
      deadLetterTopic: deadLetter,
      maxInFlight: 10,
      commitIntervalMs: 50
    })
    const chain = kafkaChainFile({
      topicPattern: output,
      bootstrapServers: target.bootstrap,
      keyPattern: '${kafkaKey}',
      addMetadataKeyValuesAsKafkaHeaders: true
    })
    const cli = startCli([
      'run',
      chain,
      '--kafka-input-config',
      config,
      '--msg-type',
      'FROM_CLI',
      '--log-level',
      'error'
    ])
    t.after(() => cli.child.kill('SIGKILL'))
    await target.waitForEnd(output, 0, 2, 60_000)
    await target.waitForEnd(deadLetter, 0, 1, 60_000)
    const admin = kafka.admin()
    await admin.connect()
    const deadline = Date.now() + 60_000
    let offset = ''
    while (offset !== '3' && Date.now() < deadline) {
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: [input] })
      offset = committed?.partitions[0]?.offset ?? ''
      if (offset !== '3') await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await admin.disconnect()
    assert.equal(offset, '3')
    cli.child.kill('SIGTERM')
    const result = await cli.exited
    assert.equal(result.code, 0, result.stderr)

    const records = await target.read(output, 0)
    assert.deepEqual(
      records.map((r) => [r.key?.toString(), r.value?.toString()]),
      [
        ['k1', '21.5'],
        ['k3', 'text']
      ]
    )
    const headers = Object.fromEntries((records[1]?.headers ?? []).map(([k, v]) => [k, v.toString()]))
    assert.equal(headers.tb_msg_md_kafkaTopic, input)
    assert.equal(headers.tb_msg_md_kafkaPartition, '0')
    assert.equal(headers.tb_msg_md_kafkaOffset, '2')
    assert.equal(headers.tb_msg_md_kafkaKey, 'k3')
    // What left the chain, one line per message on stdout: the type the command line gave.
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { relation: string; msg: { type: string } })
    assert.deepEqual(
      lines.map((line) => [line.relation, line.msg.type]),
      [
        ['Success', 'FROM_CLI'],
        ['Success', 'FROM_CLI']
      ]
    )
    const [dead] = await target.read(deadLetter, 0)
    assert.equal(dead?.key?.toString(), 'k2')
    const reason = dead?.headers.find(([k]) => k === 'krn_dead_letter_reason')?.[1].toString()
    assert.match(reason ?? '', new RegExp(`^${input}\\[0\\]@1: `))
  }
)
