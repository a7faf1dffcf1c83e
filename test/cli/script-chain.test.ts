// Issue 12's end-to-end check: a rule chain in ThingsBoard's export format (message type switch ->
// script transform -> script filter -> Kafka) run by the CLI publishes what ThingsBoard would, read
// back by kcat; the same chain with TBEL scripts publishes the same.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { eachBroker } from '../helpers/broker-targets.js'
import { uniqueTopic } from '../helpers/broker.js'
import { runCli } from '../helpers/cli.js'
import { kcatConsume } from '../helpers/kcat.js'

const SCRIPTS = {
  JS: {
    transform: [
      'var out = {',
      '  deviceName: metadata.deviceName,',
      '  tempF: Math.round((msg.temperature * 9 / 5 + 32) * 10) / 10,',
      '  humidity: msg.humidity,',
      '  micro: msg.temperature * 1000000 + 0.5',
      '};',
      "metadata.unit = 'F';",
      "return {msg: out, metadata: metadata, msgType: 'TEMPERATURE_F'};"
    ].join('\n'),
    filter: 'return msg.tempF > 70;'
  },
  TBEL: {
    transform: [
      'var out = {',
      '  deviceName: metadata.deviceName,',
      '  tempF: toFixed(msg.temperature * 9 / 5 + 32, 1),',
      '  humidity: msg.humidity,',
      '  micro: msg.temperature * 1000000 + 0.5',
      '};',
      "metadata.unit = 'F';",
      "{msg: out, metadata: metadata, msgType: 'TEMPERATURE_F'}"
    ].join('\n'),
    filter: 'msg.tempF > 70'
  }
}

/** The chain as ThingsBoard 4.x exports it, with the scripts in `lang`. */
function exportedChain(lang: 'JS' | 'TBEL', bootstrap: string, topicPrefix: string): string {
  const scripts = SCRIPTS[lang]
  const node = (type: string, name: string, configuration: object, x: number): object => ({
    additionalInfo: { description: '', layoutX: x, layoutY: 150 },
    type,
    name,
    debugSettings: null,
    singletonMode: false,
    queueName: null,
    configurationVersion: 0,
    configuration
  })
  const chain = {
    ruleChain: {
      name: `Scripts to Kafka (${lang})`,
      type: 'CORE',
      firstRuleNodeId: null,
      root: false,
      debugMode: false,
      configuration: null,
      additionalInfo: { description: '' }
    },
    metadata: {
      version: 3,
      firstNodeIndex: 0,
      nodes: [
        node('org.thingsboard.rule.engine.filter.TbMsgTypeSwitchNode', 'Switch', { version: 0 }, 100),
        node(
          'org.thingsboard.rule.engine.transform.TbTransformMsgNode',
          'Transform',
          { scriptLang: lang, jsScript: scripts.transform, tbelScript: scripts.transform },
          300
        ),
        node(
          'org.thingsboard.rule.engine.filter.TbJsFilterNode',
          'Filter',
          { scriptLang: lang, jsScript: scripts.filter, tbelScript: scripts.filter },
          500
        ),
        node(
          'org.thingsboard.rule.engine.kafka.TbKafkaNode',
          'Kafka',
          {
            topicPattern: `${topicPrefix}-\${deviceType}`,
            keyPattern: '${deviceName}',
            bootstrapServers: bootstrap,
            retries: 0,
            batchSize: 16384,
            linger: 0,
            bufferMemory: 33554432,
            acks: '-1',
            otherProperties: {},
            addMetadataKeyValuesAsKafkaHeaders: true,
            kafkaHeadersCharset: 'UTF-8'
          },
          700
        )
      ],
      connections: [
        { fromIndex: 0, toIndex: 1, type: 'Post telemetry' },
        { fromIndex: 1, toIndex: 2, type: 'Success' },
        { fromIndex: 2, toIndex: 3, type: 'True' }
      ],
      ruleChainConnections: null
    }
  }
  const path = join(mkdtempSync(join(tmpdir(), 'krn-scripts-')), 'chain.json')
  writeFileSync(path, JSON.stringify(chain, null, 2))
  return path
}

const ORIGINATOR = { entityType: 'DEVICE', id: '6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0' }
const TS = 1732400000000

function input(n: number, type: string, device: string, data: unknown): object {
  return {
    id: `00000000-0000-4000-8000-00000000000${n}`,
    ts: TS,
    type,
    originator: ORIGINATOR,
    metadata: { deviceName: device, deviceType: 'thermostat', ts: String(TS) },
    data
  }
}

const MESSAGES = [
  input(1, 'POST_TELEMETRY_REQUEST', 'T1', { temperature: 21.5, humidity: 40 }),
  input(2, 'POST_TELEMETRY_REQUEST', 'T2', { temperature: 20.5, humidity: 35 }),
  input(3, 'POST_ATTRIBUTES_REQUEST', 'T3', { firmware: '1.2' }),
  input(4, 'POST_TELEMETRY_REQUEST', 'T4', { temperature: 30.5, humidity: 55 }),
  input(5, 'POST_TELEMETRY_REQUEST', 'T5', 'not json'),
  input(6, 'CUSTOM_EVENT', 'T6', { any: true })
]

interface Exit {
  relation: string
  node: string
  msg: { id: string; type: string; metadata: Record<string, string>; data: string }
}

for (const lang of ['JS', 'TBEL'] as const) {
  eachBroker(
    `${lang} scripts: type switch -> script transform -> script filter -> Kafka publishes what ThingsBoard would, read back by kcat`,
    async (_t, target) => {
      const prefix = uniqueTopic(`scripts-${lang.toLowerCase()}`)
      const topic = `${prefix}-thermostat`
      await target.createTopic(topic, 1)
      const run = await runCli(
        ['run', exportedChain(lang, target.bootstrap, prefix)],
        MESSAGES.map((m) => JSON.stringify(m)).join('\n') + '\n'
      )
      assert.equal(run.code, 0, run.stderr)

      const meta = (device: string): Record<string, string> => ({
        deviceName: device,
        deviceType: 'thermostat',
        ts: String(TS)
      })
      const transformed = (device: string, tempF: string, humidity: number, micro: string): string =>
        `{"deviceName":"${device}","tempF":${tempF},"humidity":${humidity},"micro":${micro}}`
      const exits = run.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Exit)
        .sort((a, b) => a.msg.id.localeCompare(b.msg.id))
      assert.deepEqual(
        exits.map((e) => [e.relation, e.node, e.msg.type, e.msg.metadata, e.msg.data]),
        [
          [
            'Success',
            'Kafka',
            'TEMPERATURE_F',
            { ...meta('T1'), unit: 'F', topic, partition: '0', offset: '0' },
            transformed('T1', '70.7', 40, '2.15000005E7')
          ],
          [
            'False',
            'Filter',
            'TEMPERATURE_F',
            { ...meta('T2'), unit: 'F' },
            transformed('T2', '68.9', 35, '2.05000005E7')
          ],
          ['Post attributes', 'Switch', 'POST_ATTRIBUTES_REQUEST', meta('T3'), '{"firmware":"1.2"}'],
          [
            'Success',
            'Kafka',
            'TEMPERATURE_F',
            { ...meta('T4'), unit: 'F', topic, partition: '0', offset: '1' },
            transformed('T4', '86.9', 55, '3.05000005E7')
          ],
          [
            'Failure',
            'Transform',
            'POST_TELEMETRY_REQUEST',
            {
              ...meta('T5'),
              error: `ScriptError: SyntaxError: Unexpected token 'o', "not json" is not valid JSON`
            },
            'not json'
          ],
          ['Other', 'Switch', 'CUSTOM_EVENT', meta('T6'), '{"any":true}']
        ]
      )

      const headers = (device: string): string =>
        `tb_msg_md_deviceName=${device},tb_msg_md_deviceType=thermostat,tb_msg_md_ts=${TS},tb_msg_md_unit=F`
      assert.deepEqual(await kcatConsume(target.bootstrap, topic, 'all', '%t|%p|%o|%k|%h|%s'), [
        `${topic}|0|0|T1|${headers('T1')}|${transformed('T1', '70.7', 40, '2.15000005E7')}`,
        `${topic}|0|1|T4|${headers('T4')}|${transformed('T4', '86.9', 55, '3.05000005E7')}`
      ])
    }
  )
}

test('examples/scripts.json gives the same output with its TBEL and with its JS scripts', async () => {
  const tbel = readFileSync('examples/scripts.json', 'utf8')
  const js = join(mkdtempSync(join(tmpdir(), 'krn-scripts-')), 'js.json')
  writeFileSync(js, tbel.replaceAll('"scriptLang": "TBEL"', '"scriptLang": "JS"'))
  const messages = readFileSync('examples/messages.ndjson', 'utf8')
  const [fromTbel, fromJs] = await Promise.all([
    runCli(['run', 'examples/scripts.json'], messages),
    runCli(['run', js], messages)
  ])
  assert.equal(fromTbel.code, 0, fromTbel.stderr)
  assert.equal(fromJs.code, 0, fromJs.stderr)
  const summary = (stdout: string): string[][] =>
    stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Exit)
      .map((e) => [e.relation, e.node, e.msg.type, e.msg.data])
  assert.deepEqual(summary(fromTbel.stdout), [
    ['Success', 'Log Warm', 'TEMPERATURE_F', '{"deviceName":"T1","tempF":70.7}'],
    ['Post attributes', 'Message Type Switch', 'POST_ATTRIBUTES_REQUEST', '{"firmware":"1.2.0"}'],
    ['False', 'Warm', 'POST_TELEMETRY_REQUEST', '{"energy":1520.0}']
  ])
  assert.deepEqual(summary(fromJs.stdout), summary(fromTbel.stdout))
  assert.match(fromTbel.stderr, /Log Warm: T1 is at 70\.7 F/)
})
