import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runCli } from '../helpers/cli.js'

test('the demo (npm start) publishes sample telemetry over HTTP and MQTT and reads every record back where the node said', async () => {
  const result = await runCli(['demo'])
  assert.equal(result.code, 0, result.stderr)
  const lines = result.stdout.split('\n')
  assert.match(lines[0] ?? '', /^development broker listening on 127\.0\.0\.1:\d+$/)
  assert.equal(lines.filter((l) => / -> 200$/.test(l)).length, 7)
  assert.deepEqual(
    lines
      .filter((l) => l.startsWith('PUBLISH '))
      .map((l) => /^PUBLISH (\S+) as (\S+) \(([^)]+)\) .* -> PUBACK$/.exec(l)?.slice(1)),
    [
      ['v1/devices/me/telemetry', 'T2-token', 'MQTT 5, QoS 1'],
      ['v1/devices/me/telemetry', 'M1-token', 'MQTT 3.1.1, QoS 1']
    ]
  )
  const readBack = lines.slice(lines.findIndex((l) => l.startsWith('a consumer read back')))
  assert.deepEqual(readBack.slice(0, 11), [
    'a consumer read back 10 records (topic/partition@offset):',
    '  meter/0@0        key=M1   {"energy":1520.25,"voltage":230}',
    '  meter/0@1        key=M1   {"energy":1521.5,"voltage":229}',
    '  meter/0@2        key=M1   {"energy":1522.75,"voltage":231}',
    '  thermostat/0@0   key=T2   {"temperature":19,"humidity":55}',
    '  thermostat/0@1   key=T2   {"temperature":19.25,"humidity":54}',
    '  thermostat/0@2   key=T2   {"temperature":19.5,"humidity":53}',
    '  thermostat/0@3   key=T2   {"temperature":19.75,"humidity":52}',
    '  thermostat/1@0   key=T1   {"temperature":21.5,"humidity":40}',
    '  thermostat/1@1   key=T1   {"firmware":"1.2.0"}',
    '  thermostat/1@2   key=T1   {"temperature":21.75,"humidity":41}'
  ])
  assert.ok(lines.includes('demo: every message arrived where the node said it would'))
})
