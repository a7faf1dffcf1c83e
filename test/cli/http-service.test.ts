import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect, createServer, type AddressInfo, type Socket } from 'node:net'
import { runCli, startCli } from '../helpers/cli.js'

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
  const { base } = await cli.http()
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

test('SIGTERM stops accepting at once, gives open requests a grace of 5 s, then exits with every accepted message out', async (t) => {
  const cli = startCli([
    'run',
    'examples/switch-log.json',
    '--http',
    '0',
    '--devices',
    devicesFile(),
    '--log-level',
    'error'
  ])
  t.after(() => cli.child.kill('SIGKILL'))
  cli.child.stdin.end()
  const { host, port, base } = await cli.http()
  assert.equal(
    (await fetch(`${base}/api/v1/tok1/telemetry`, { method: 'POST', body: '{"n":1}' })).status,
    200
  )
  // Two slow clients, each with half a body sent: one finishes within the grace, one never does.
  // Each waits for 100 Continue, so that the service has its request (not an idle connection).
  const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n'
  const slow = (): Promise<{ socket: Socket; answer: Promise<string> }> =>
    new Promise((resolve, reject) => {
      const socket = connect(port, host, () => {
        socket.write(
          'POST /api/v1/tok1/telemetry HTTP/1.1\r\nhost: x\r\nexpect: 100-continue\r\ncontent-length: 7\r\n\r\n'
        )
      })
      let answer = ''
      const closed = new Promise<string>((done) => socket.on('close', () => done(answer)))
      socket.setEncoding('utf8').on('data', (chunk: string) => {
        answer += chunk
        if (answer !== CONTINUE) return
        socket.write('{"n":')
        resolve({ socket, answer: closed })
      })
      socket.on('error', reject)
    })
  const finishing = await slow()
  const hanging = await slow()
  t.after(() => hanging.socket.destroy())
  const stoppedAt = Date.now()
  cli.child.kill('SIGTERM')
  await cli.waitForStderr(/SIGTERM: stopping/)
  await assert.rejects(fetch(`${base}/healthz`), 'no new connection is taken once stopping')
  await new Promise((resolve) => setTimeout(resolve, 1000))
  finishing.socket.write('2}')
  assert.match(await finishing.answer, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/)
  assert.match(await finishing.answer, /\r\nconnection: close\r\n/i)
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error('the service still runs 15 s after SIGTERM')), 15_000).unref()
  )
  const result = await Promise.race([cli.exited, timeout])
  const elapsed = Date.now() - stoppedAt
  assert.equal(
    await hanging.answer,
    CONTINUE,
    'the request still open at the end of the grace is cut, unanswered'
  )
  assert.ok(elapsed >= 5000 && elapsed < 9000, `exited ${elapsed} ms after SIGTERM`)
  assert.equal(result.code, 0, result.stderr)
  assert.deepEqual(
    result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line) as { msg: { data: string } }).msg.data),
    ['{"n":1}', '{"n":2}']
  )
})

test('run --http-grace-ms must be a number of milliseconds and needs --http', async () => {
  const bad = await runCli([
    'run',
    'examples/switch-log.json',
    '--http',
    '0',
    '--devices',
    devicesFile(),
    '--http-grace-ms',
    '5s'
  ])
  assert.equal(bad.code, 2)
  assert.match(
    bad.stderr,
    /^kafka-rule-node: --http-grace-ms must be a whole number of milliseconds \(got "5s"\)\n/
  )
  const alone = await runCli(['run', 'examples/switch-log.json', '--http-grace-ms', '100'])
  assert.equal(alone.code, 2)
  assert.match(alone.stderr, /^kafka-rule-node: --devices, --host and --http-grace-ms need --http PORT\n/)
})
