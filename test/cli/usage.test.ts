import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runCli } from '../helpers/cli.js'

test('--help documents every command, and each command documents its options', async () => {
  const help = await runCli(['--help'])
  assert.equal(help.code, 0)
  for (const command of ['run CHAIN.json', 'broker', 'describe', 'demo', 'help'])
    assert.ok(help.stdout.includes(command), command)
  const run = await runCli(['run', '--help'])
  for (const option of [
    '--max-line-bytes',
    '--log-level',
    '--http',
    '--host',
    '--devices',
    '--http-grace-ms',
    '--kafka-input',
    '--topics',
    '--group',
    '--input-format',
    '--dead-letter-topic',
    '--max-in-flight',
    '--kafka-input-config',
    '--kafka-input-properties',
    '--kafka-input-property',
    'SIGTERM',
    'Exit status'
  ])
    assert.ok(run.stdout.includes(option), option)
})
