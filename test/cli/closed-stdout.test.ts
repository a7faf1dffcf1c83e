import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startCli } from '../helpers/cli.js'

const line = (n: number): string => `{"type":"CUSTOM","data":{"n":${n}}}\n`

test('run | head -1: a closed stdout stops reading, and the run exits 0 without a word', async (t) => {
  const cli = startCli(['run', 'examples/switch-log.json', '--log-level', 'warn'])
  t.after(() => cli.child.kill('SIGKILL'))
  // stdin stays open, as from a generator that never ends: only the closed stdout can stop the run.
  cli.child.stdin.on('error', () => {})
  cli.child.stdin.write(Array.from({ length: 2000 }, (_, n) => line(n)).join(''))
  cli.child.stdout.once('data', () => cli.child.stdout.destroy())
  const timer = setInterval(() => cli.child.stdin.write(line(0)), 10)
  t.after(() => clearInterval(timer))
  const result = await cli.exited
  assert.deepEqual([result.code, result.signal, result.stderr], [0, null, ''])
})

test('run --http with a closed stdout keeps serving and delivering, and says so once on stderr', async (t) => {
  const devices = join(mkdtempSync(join(tmpdir(), 'krn-epipe-')), 'devices.json')
  writeFileSync(devices, JSON.stringify({ tok1: { name: 'T1', id: '6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0' } }))
  const cli = startCli([
    'run',
    'examples/switch-log.json',
    '--http',
    '0',
    '--devices',
    devices,
    '--log-level',
    'warn'
  ])
  t.after(() => cli.child.kill('SIGKILL'))
  cli.child.stdin.end()
  cli.child.stdout.destroy()
  const { base } = await cli.http()
  const post = (n: number): Promise<Response> =>
    fetch(`${base}/api/v1/tok1/attributes`, { method: 'POST', body: `{"n":${n}}` })
  assert.equal((await post(1)).status, 200)
  await cli.waitForStderr(/stdout is closed/)
  for (let n = 2; n <= 5; n++) assert.equal((await post(n)).status, 200)
  const metrics = await (await fetch(`${base}/metrics`)).text()
  assert.match(metrics, /^krn_messages_out_total\{relation="Post attributes"\} 5$/m)
  cli.child.kill('SIGTERM')
  const result = await cli.exited
  assert.equal(result.code, 0)
  assert.deepEqual(result.stderr.split('\n').slice(1), [
    'stdout is closed (EPIPE): messages are still taken and delivered; their output lines are dropped',
    'SIGTERM: stopping; messages in the chain are delivered or failed before exit (again to exit now)',
    ''
  ])
})
