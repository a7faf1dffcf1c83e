import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startCli, type RunningCli } from '../helpers/cli.js'
import { uniqueTopic } from '../helpers/broker.js'
import { kafkaChainFile } from '../helpers/chain-file.js'
import { kcatConsume } from '../helpers/kcat.js'
import { referenceKafka } from '../helpers/reference-kafka.js'
import { restartableDevBroker, type Restartable } from '../helpers/restartable-broker.js'
import { seededRandom } from '../helpers/random.js'

const TOKEN = 'tok1'
const LANES = 4

function devicesFile(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'krn-crash-')), 'devices.json')
  writeFileSync(
    path,
    JSON.stringify({ [TOKEN]: { name: 'T1', type: 'sensor', id: '6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0' } })
  )
  return path
}

function metric(text: string, name: string): number {
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text)
  return match === null ? Number.NaN : Number(match[1])
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** What the Kafka broker does during one round. */
type BrokerPlan = 'up' | 'down' | 'restarting'

/** Posts numbered messages on a few keep-alive lanes until stopped; returns the ids answered 200. */
function postUntilKilled(base: string, prefix: string, stopped: { value: boolean }): Promise<string[]> {
  const answered: string[] = []
  const lane = async (lane: number): Promise<void> => {
    for (let k = 0; !stopped.value; k++) {
      const id = `${prefix}-${lane}-${k}`
      try {
        const response = await fetch(`${base}/api/v1/${TOKEN}/telemetry`, {
          method: 'POST',
          body: JSON.stringify({ id })
        })
        await response.arrayBuffer()
        if (response.status === 200) answered.push(id)
        else await sleep(20)
      } catch {
        return // the service was killed under the request: no answer, so not counted
      }
    }
  }
  return Promise.all(Array.from({ length: LANES }, (_, i) => lane(i))).then(() => answered)
}

function startService(chainPath: string, devices: string, spoolDir: string): RunningCli {
  const cli = startCli([
    'run',
    chainPath,
    '--http',
    '0',
    '--devices',
    devices,
    '--spool',
    spoolDir,
    '--spool-segment-bytes',
    '4096',
    '--log-level',
    'info'
  ])
  cli.child.stdin.end()
  return cli
}

interface CrashLoopResult {
  readonly answered: Set<string>
  readonly read: string[]
  readonly replayed: number
  readonly failures: string[]
}

/**
 * Kills the service with SIGKILL at a random moment of each round while a client posts; the
 * broker does what `plans` says in each round. A last run, with the broker up, drains the spool.
 */
async function crashLoop(
  t: TestContext,
  bootstrap: string,
  broker: Restartable | undefined,
  plans: readonly BrokerPlan[],
  seed: number
): Promise<CrashLoopResult> {
  const random = seededRandom(seed)
  const topic = uniqueTopic('crash')
  const chainPath = kafkaChainFile({
    topicPattern: topic,
    keyPattern: '${deviceName}',
    bootstrapServers: bootstrap,
    retries: 2147483647,
    otherProperties: {
      'enable.idempotence': 'true',
      'retry.backoff.ms': '50',
      'request.timeout.ms': '1000',
      'delivery.timeout.ms': '600000'
    }
  })
  const devices = devicesFile()
  const spoolDir = mkdtempSync(join(tmpdir(), 'krn-crash-spool-'))
  const answered = new Set<string>()
  const outputs: string[] = []
  let replayed = 0
  for (const [round, plan] of plans.entries()) {
    if (plan === 'down') await broker?.stop()
    else await broker?.start()
    const cli = startService(chainPath, devices, spoolDir)
    t.after(() => cli.child.kill('SIGKILL'))
    if (round % 7 === 3) {
      // Killed while it starts: opening the spool, truncating, replaying, or before any of it.
      await Promise.race([cli.waitForStderr(/spool: replayed/).catch(() => {}), sleep(random() * 1500)])
      cli.child.kill('SIGKILL')
      replayed += replayedIn((await cli.exited).stderr)
      continue
    }
    const { base } = await cli.http()
    const stopped = { value: false }
    const posting = postUntilKilled(base, `r${round}`, stopped)
    if (plan === 'restarting') {
      await sleep(50 + random() * 150)
      await broker?.stop()
      await sleep(100 + random() * 200)
      await broker?.start()
    }
    await sleep(50 + random() * 400)
    cli.child.kill('SIGKILL')
    stopped.value = true
    for (const id of await posting) answered.add(id)
    const result = await cli.exited
    assert.equal(
      result.signal,
      'SIGKILL',
      `round ${round}: the service was killed, not stopped: ${result.stderr}`
    )
    outputs.push(result.stdout)
    replayed += replayedIn(result.stderr)
  }
  await broker?.start()
  const last = startService(chainPath, devices, spoolDir)
  t.after(() => last.child.kill('SIGKILL'))
  const { base } = await last.http()
  for (;;) {
    const text = await (await fetch(`${base}/metrics`)).text()
    if (metric(text, 'krn_spool_records_pending') === 0) break
    await sleep(100)
  }
  last.child.kill('SIGTERM')
  const result = await last.exited
  assert.equal(result.code, 0, result.stderr)
  outputs.push(result.stdout)
  replayed += replayedIn(result.stderr)
  const failures = outputs
    .flatMap((out) => out.split('\n'))
    .filter((line) => line.includes('"relation":"Failure"'))
  const read = (await kcatConsume(bootstrap, topic, 'all', '%s')).map(
    (value) => (JSON.parse(value) as { id: string }).id
  )
  return { answered, read, replayed, failures }
}

function replayedIn(stderr: string): number {
  let total = 0
  for (const match of stderr.matchAll(/spool: replayed (\d+) message/g)) total += Number(match[1])
  return total
}

function check(t: TestContext, result: CrashLoopResult): void {
  const read = new Set(result.read)
  const missing = [...result.answered].filter((id) => !read.has(id))
  t.diagnostic(
    `answered 200: ${result.answered.size}; records read back: ${result.read.length} (${read.size} distinct); ` +
      `duplicates: ${result.read.length - read.size}; replayed at restarts: ${result.replayed}; ` +
      `read back but never answered 200 (killed before the answer): ${[...read].filter((id) => !result.answered.has(id)).length}`
  )
  assert.ok(result.answered.size > 0, 'the client got answers')
  assert.deepEqual(result.failures, [], 'no message ended on Failure')
  assert.deepEqual(missing, [], 'every message answered 200 is in the topic')
}

test('SIGKILL at random moments, 21 times (3 while it starts and replays), with the broker up, down and restarting: every message answered 200 is in the topic [development broker]', async (t) => {
  const broker = await restartableDevBroker(t)
  const plans: BrokerPlan[] = []
  for (let i = 0; i < 21; i++) plans.push((['up', 'down', 'restarting'] as const)[i % 3] as BrokerPlan)
  const result = await crashLoop(t, broker.bootstrap, broker, plans, 14)
  check(t, result)
  assert.ok(result.replayed > 0, 'some rounds left messages to replay')
})

test('SIGKILL at random moments, 6 times, while a client posts: every message answered 200 is in the topic [Apache Kafka]', async (t) => {
  const kafka = await referenceKafka()
  const result = await crashLoop(t, kafka.bootstrap, undefined, ['up', 'up', 'up', 'up', 'up', 'up'], 41)
  check(t, result)
})
