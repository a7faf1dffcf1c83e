import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { appendFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli, startCli } from '../helpers/cli.js'
import { kafkaChainFile } from '../helpers/chain-file.js'
import { silentLogger } from '../../src/engine/logger.js'
import { TbMsg } from '../../src/msg/message.js'
import { encodeMessage } from '../../src/spool/record.js'
import { Spool } from '../../src/spool/spool.js'

const DEVICE_ID = '6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0'

function devicesFile(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'krn-spool-svc-')), 'devices.json')
  writeFileSync(path, JSON.stringify({ tok1: { name: 'T1', type: 'thermostat', id: DEVICE_ID } }))
  return path
}

function metric(text: string, name: string): number {
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text)
  return match === null ? Number.NaN : Number(match[1])
}

/** A port nothing listens on: bound, then closed. */
async function deadPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise((resolve) => server.close(resolve))
  return port
}

/**
 * `run --http --spool` with a 4096-byte spool in 1024-byte segments, whose Kafka node's broker is
 * down for good: nothing leaves the spool, so it fills.
 */
async function startFullSpoolService(
  t: TestContext,
  prefix: string,
  extraArgs: readonly string[] = []
): Promise<{ base: string; spoolDir: string }> {
  const port = await deadPort()
  const chain = kafkaChainFile({
    topicPattern: 'never',
    bootstrapServers: `127.0.0.1:${port}`,
    otherProperties: { 'delivery.timeout.ms': '600000', 'request.timeout.ms': '1000' }
  })
  const spoolDir = mkdtempSync(join(tmpdir(), prefix))
  const cli = startCli([
    'run',
    chain,
    '--http',
    '0',
    '--devices',
    devicesFile(),
    '--spool',
    spoolDir,
    '--spool-max-bytes',
    '4096',
    '--spool-segment-bytes',
    '1024',
    '--log-level',
    'silent',
    ...extraArgs
  ])
  t.after(() => cli.child.kill('SIGKILL'))
  cli.child.stdin.end()
  const { base } = await cli.http()
  return { base, spoolDir }
}

const usageCases = [
  {
    name: '--spool without --http',
    args: ['--spool', 'x'],
    error: '--spool needs --http PORT or --mqtt PORT (it keeps what the device fronts accept)'
  },
  {
    name: '--spool-max-bytes without --spool',
    args: ['--http', '0', '--devices', 'd.json', '--spool-max-bytes', '100'],
    error: '--spool-max-bytes needs --spool DIR'
  },
  {
    name: 'spool tuning without --spool',
    args: ['--http', '0', '--devices', 'd.json', '--spool-segment-bytes', '100', '--spool-loop-sync-ms', '0'],
    error: '--spool-segment-bytes, --spool-loop-sync-ms need --spool DIR'
  },
  {
    name: 'a sync time that is not a number of milliseconds',
    args: ['--http', '0', '--devices', 'd.json', '--spool', 'x', '--spool-loop-sync-ms', 'fast'],
    error: '--spool-loop-sync-ms must be a number of milliseconds, 0 or more (got "fast")'
  },
  {
    name: 'a size that is not a whole number',
    args: ['--http', '0', '--devices', 'd.json', '--spool', 'x', '--spool-max-bytes', '1e9'],
    error: '--spool-max-bytes must be a positive whole number of bytes (got "1e9")'
  },
  {
    name: 'a segment over half the maximum',
    args: [
      '--http',
      '0',
      '--devices',
      'd.json',
      '--spool',
      'x',
      '--spool-max-bytes',
      '1000',
      '--spool-segment-bytes',
      '600'
    ],
    error: '--spool-segment-bytes must be at most half of --spool-max-bytes (got 600 and 1000)'
  }
]

for (const { name, args, error } of usageCases) {
  test(`run: ${name} is a usage error naming the option`, async () => {
    const result = await runCli(['run', 'examples/switch-log.json', ...args])
    assert.equal(result.code, 2)
    assert.equal(result.stderr, `kafka-rule-node: ${error}\nRun \`kafka-rule-node --help\` for usage.\n`)
  })
}

test('a full spool answers 503 with Retry-After; every message answered 200 is pending in it', async (t) => {
  const { base, spoolDir } = await startFullSpoolService(t, 'krn-spool-full-')
  const statuses: number[] = []
  let refused: Response | undefined
  for (let n = 0; refused === undefined; n++) {
    const response = await fetch(`${base}/api/v1/tok1/telemetry`, {
      method: 'POST',
      body: JSON.stringify({ n })
    })
    statuses.push(response.status)
    if (response.status !== 200) refused = response
    else await response.arrayBuffer()
  }
  const accepted = statuses.length - 1
  assert.ok(accepted > 5, `some messages fit (${accepted})`)
  assert.equal(refused.status, 503)
  assert.equal(refused.headers.get('retry-after'), '1')
  assert.deepEqual(await refused.json(), {
    error: 'busy: the spool is full (4096 bytes of messages not yet delivered), retry later'
  })
  const metrics = await (await fetch(`${base}/metrics`)).text()
  assert.equal(metric(metrics, 'krn_spool_records_pending'), accepted)
  assert.ok(metric(metrics, 'krn_spool_bytes') <= 4096)
  assert.equal(metric(metrics, 'krn_spool_segments'), readdirSync(spoolDir).length)
  // A few syncs of a few hundred bytes on a local disk: quick, so made on the event loop.
  assert.equal(metric(metrics, 'krn_spool_syncs_on_event_loop'), 1)
})

test('--spool-loop-sync-ms 0 makes every sync on the thread pool; a request is still answered once synced', async (t) => {
  const { base } = await startFullSpoolService(t, 'krn-spool-pool-', ['--spool-loop-sync-ms', '0'])
  for (const n of [1, 2, 3]) {
    const response = await fetch(`${base}/api/v1/tok1/telemetry`, { method: 'POST', body: `{"n":${n}}` })
    assert.equal(response.status, 200)
    await response.arrayBuffer()
  }
  const metrics = await (await fetch(`${base}/metrics`)).text()
  assert.equal(metric(metrics, 'krn_spool_syncs_on_event_loop'), 0)
  assert.equal(metric(metrics, 'krn_spool_records_pending'), 3)
  assert.equal(metric(metrics, 'krn_spool_fsync_seconds_count'), 3, 'one sync per request, each sent alone')
})

test('a request whose messages do not all fit is refused whole: 503, and none of its messages stays pending', async (t) => {
  const { base } = await startFullSpoolService(t, 'krn-spool-part-')
  const first = await fetch(`${base}/api/v1/tok1/telemetry`, { method: 'POST', body: '{"n":0}' })
  assert.equal(first.status, 200)
  await first.arrayBuffer()
  // Twenty messages of ~300 bytes each: the first ones fit in 4096 bytes, the rest do not.
  const entries = Array.from({ length: 20 }, (_, n) => ({ ts: 1700000000000 + n, values: { n } }))
  const refused = await fetch(`${base}/api/v1/tok1/telemetry`, {
    method: 'POST',
    body: JSON.stringify(entries)
  })
  assert.equal(refused.status, 503)
  assert.equal(refused.headers.get('retry-after'), '1')
  assert.deepEqual(await refused.json(), {
    error: 'busy: the spool is full (4096 bytes of messages not yet delivered), retry later'
  })
  const metrics = await (await fetch(`${base}/metrics`)).text()
  assert.equal(metric(metrics, 'krn_spool_records_pending'), 1, 'only the message answered 200')
})

test('at start the service truncates a torn tail, reports the records lost, replays the rest in order, and a clean stop leaves the spool empty', async (t) => {
  const spoolDir = mkdtempSync(join(tmpdir(), 'krn-spool-replay-'))
  const earlier = await Spool.open({
    dir: spoolDir,
    maxBytes: 1 << 20,
    segmentBytes: 1 << 16,
    logger: silentLogger
  })
  const message = (n: number): TbMsg =>
    TbMsg.create({
      type: 'POST_TELEMETRY_REQUEST',
      originator: { entityType: 'DEVICE', id: DEVICE_ID },
      metadata: { deviceName: 'T1', deviceType: 'thermostat', ts: '1700000000000' },
      data: JSON.stringify({ n })
    })
  for (const n of [1, 2, 3]) await earlier.append(Buffer.from(JSON.stringify(message(n))))
  earlier.done(2)
  await earlier.flush()
  // What a kill in the middle of a write leaves: part of a fourth record.
  const segment = join(spoolDir, readdirSync(spoolDir)[0] as string)
  appendFileSync(segment, encodeMessage(4, Buffer.from(JSON.stringify(message(4)))).subarray(0, 30))
  const cli = startCli([
    'run',
    'examples/switch-log.json',
    '--http',
    '0',
    '--devices',
    devicesFile(),
    '--spool',
    spoolDir,
    '--log-level',
    'info'
  ])
  t.after(() => cli.child.kill('SIGKILL'))
  cli.child.stdin.end()
  const { base } = await cli.http()
  const metrics = await (await fetch(`${base}/metrics`)).text()
  assert.equal(metric(metrics, 'krn_spool_replayed_total'), 2)
  assert.equal(metric(metrics, 'krn_spool_torn_records_total'), 1)
  assert.equal(metric(metrics, 'krn_spool_records_pending'), 0)
  assert.match(
    cli.stderr(),
    /has a torn or corrupt tail at byte \d+ of \d+: truncated, 1 record\(s\) lost to it/
  )
  assert.match(cli.stderr(), /spool: replayed 2 message\(s\) an earlier run left unfinished/)
  cli.child.kill('SIGTERM')
  const result = await cli.exited
  assert.equal(result.code, 0)
  const out = result.stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as { relation: string; msg: { data: string } })
  assert.deepEqual(
    out.map((o) => [o.relation, o.msg.data]),
    [
      ['Success', '{"n":1}'],
      ['Success', '{"n":3}']
    ]
  )
  assert.deepEqual(readdirSync(spoolDir), [])
})
