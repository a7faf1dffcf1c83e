import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer, type AddressInfo } from 'node:net'
import { startCli } from '../helpers/cli.js'

function devicesFile(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'krn-http-')), 'devices.json')
  writeFileSync(
    path,
    JSON.stringify({ tok1: { name: 'T1', type: 'thermostat', id: '6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0' } })
  )
  return path
}

test('run --http takes device telemetry over HTTP until SIGTERM, then exits 0 with every message out', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'krn-http-'))
  const devicesPath = join(dir, 'devices.json')
  writeFileSync(
    devicesPath,
    JSON.stringify({ tok1: { name: 'T1', type: 'thermostat', id: '6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0' } })
  )
  const cli = startCli([
    'run',
    'examples/switch-log.json',
    '--http',
    '0',
    '--devices',
    devicesPath,
    '--log-level',
    'warn'
  ])
  t.after(() => cli.child.kill('SIGKILL'))
  cli.child.stdin.end()
  const [, host, port] = await cli.waitForStderr(/http: listening on ([\d.]+):(\d+)\n/)
  const base = `http://${host}:${port}`
  for (let i = 0; i < 5; i++) {
    const response = await fetch(`${base}/api/v1/tok1/telemetry`, {
      method: 'POST',
      body: JSON.stringify({ i })
    })
    assert.equal(response.status, 200)
  }
  const metrics = await (await fetch(`${base}/metrics`)).text()
  assert.match(metrics, /^krn_messages_in_total 5$/m)
  assert.equal((await fetch(`${base}/healthz`)).status, 200)
  cli.child.kill('SIGTERM')
  const result = await cli.exited
  assert.equal(result.code, 0)
  const out = result.stdout
    .trimEnd()
    .split('\n')
    .map(
      (line) =>
        JSON.parse(line) as {
          relation: string
          node: string
          msg: { data: string; metadata: Record<string, string> }
        }
    )
  assert.deepEqual(
    out.map((o) => [o.relation, o.node, o.msg.data, o.msg.metadata.deviceName]),
    [0, 1, 2, 3, 4].map((i) => ['Success', 'Log Telemetry', `{"i":${i}}`, 'T1'])
  )
})

test('run --http without --devices is a usage error', async () => {
  const cli = startCli(['run', 'examples/switch-log.json', '--http', '0'])
  cli.child.stdin.end()
  const result = await cli.exited
  assert.equal(result.code, 2)
  assert.match(result.stderr, /--http needs --devices FILE/)
})

test('run --http on a port in use exits 1 with one line naming the port', async (t) => {
  const holder = createServer()
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
  t.after(() => holder.close())
  const port = (holder.address() as AddressInfo).port
  const cli = startCli([
    'run',
    'examples/switch-log.json',
    '--http',
    String(port),
    '--devices',
    devicesFile(),
    '--log-level',
    'warn'
  ])
  t.after(() => cli.child.kill('SIGKILL'))
  cli.child.stdin.end()
  const result = await cli.exited
  assert.equal(result.code, 1)
  assert.equal(
    result.stderr,
    `kafka-rule-node: ServiceError: cannot listen on 127.0.0.1:${port}, the address is in use (EADDRINUSE)\n`
  )
  assert.equal(result.stdout, '')
})
