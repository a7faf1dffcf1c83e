// Several `run --kafka-input` processes in one consumer group on a 12-partition topic: one is
// SIGKILLed mid-run and a replacement joins. Every input record reaches the output at least once,
// a record is there twice only when it lies after the killed member's last commit, and the
// group's committed offsets reach the end of every partition.

import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { eachBroker, type BrokerTarget } from '../helpers/broker-targets.js'
import { uniqueTopic } from '../helpers/broker.js'
import { startCli, type RunningCli } from '../helpers/cli.js'
import { chainExport } from '../helpers/test-nodes.js'

/**
 * Records fed: the 200,000 (this file took 74 s on the 2-core machine, both brokers, a
 * quiet moment); KRN_GROUP_TEST_RECORDS sets another count, e.g. fewer for a quick run.
 */
const RECORDS = Number(process.env.KRN_GROUP_TEST_RECORDS ?? 200_000)
const PARTITIONS = 12

interface Member {
  readonly cli: RunningCli
  readonly base: string
}

interface Membership {
  readonly memberId: string | null
  readonly generationId: number
  readonly assignments: { topic: string; partitions: number[] }[]
}

function chainFile(target: BrokerTarget, output: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'krn-group-')), 'chain.json')
  writeFileSync(
    path,
    JSON.stringify(
      chainExport(
        [
          {
            type: 'org.thingsboard.rule.engine.kafka.TbKafkaNode',
            name: 'Kafka',
            configuration: {
              topicPattern: output,
              keyPattern: '${kafkaKey}',
              bootstrapServers: target.bootstrap,
              linger: 5,
              addMetadataKeyValuesAsKafkaHeaders: false
            }
          }
        ],
        []
      )
    )
  )
  return path
}

async function startMember(
  t: TestContext,
  chain: string,
  target: BrokerTarget,
  input: string,
  group: string
): Promise<Member> {
  const cli = startCli([
    'run',
    chain,
    '--kafka-input',
    target.bootstrap,
    '--topics',
    input,
    '--group',
    group,
    '--session-timeout-ms',
    '6000',
    '--commit-interval-ms',
    '100',
    '--http',
    '0',
    '--log-level',
    'error'
  ])
  t.after(() => cli.child.kill('SIGKILL'))
  cli.child.stdout.resume()
  const { base } = await cli.http()
  return { cli, base }
}

async function membership(member: Member): Promise<Membership> {
  const body = (await (await fetch(`${member.base}/healthz`)).json()) as { group: Membership }
  return body.group
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

/** Waits until the members agree on one generation whose assignments cover every partition once. */
async function settled(members: readonly Member[]): Promise<Membership[]> {
  let views: Membership[] = []
  await until('a settled group', async () => {
    views = await Promise.all(members.map(membership))
    const generations = new Set(views.map((v) => v.generationId))
    const partitions = views.flatMap((v) => v.assignments.flatMap((a) => a.partitions)).sort((a, b) => a - b)
    return generations.size === 1 && partitions.join() === [...Array(PARTITIONS).keys()].join()
  })
  return views
}

function admin(target: BrokerTarget): Kafka {
  return new Kafka({ clientId: 'group-test', brokers: [target.bootstrap], logLevel: logLevel.NOTHING })
}

async function produce(target: BrokerTarget, topic: string, from: number, to: number): Promise<void> {
  const producer = admin(target).producer()
  await producer.connect()
  try {
    for (let start = from; start < to; start += 1000) {
      const messages = []
      for (let i = start; i < Math.min(to, start + 1000); i++) {
        messages.push({
          partition: i % PARTITIONS,
          key: `r${i}`,
          value: `{"type":"POST_TELEMETRY_REQUEST","data":{"seq":${i}}}`
        })
      }
      await producer.send({ topic, messages })
    }
  } finally {
    await producer.disconnect()
  }
}

async function committedOffsets(target: BrokerTarget, group: string, topic: string): Promise<number[]> {
  const client = admin(target).admin()
  await client.connect()
  try {
    const [offsets] = await client.fetchOffsets({ groupId: group, topics: [topic] })
    const result = Array<number>(PARTITIONS).fill(-1)
    for (const p of offsets?.partitions ?? []) result[p.partition] = Number(p.offset)
    return result
  } finally {
    await client.disconnect()
  }
}

async function endOffsets(target: BrokerTarget, topic: string): Promise<number[]> {
  const client = admin(target).admin()
  await client.connect()
  try {
    const offsets = await client.fetchTopicOffsets(topic)
    const result = Array<number>(PARTITIONS).fill(0)
    for (const o of offsets) result[o.partition] = Number(o.high)
    return result
  } finally {
    await client.disconnect()
  }
}

interface Run {
  readonly t: TestContext
  readonly target: BrokerTarget
  readonly input: string
  readonly output: string
  readonly group: string
  readonly chain: string
}

async function prepare(t: TestContext, target: BrokerTarget): Promise<Run> {
  const input = uniqueTopic('group-in')
  const output = uniqueTopic('group-out')
  await target.createTopic(input, PARTITIONS)
  await target.createTopic(output, 1)
  return { t, target, input, output, group: uniqueTopic('group'), chain: chainFile(target, output) }
}

const start = (run: Run): Promise<Member> => startMember(run.t, run.chain, run.target, run.input, run.group)

/** Waits until the group committed the end of every input partition; the records' counts in the output. */
async function finish(run: Run): Promise<Map<number, number>> {
  const ends = await endOffsets(run.target, run.input)
  // Record i went to partition i % PARTITIONS: the first RECORDS % PARTITIONS partitions hold one more.
  const perPartition = [...Array(PARTITIONS).keys()].map((p) => Math.ceil((RECORDS - p) / PARTITIONS))
  assert.deepEqual(ends, perPartition)
  await until(
    'committed offsets at the end of every partition',
    async () => (await committedOffsets(run.target, run.group, run.input)).join() === ends.join(),
    180_000
  )
  const seen = new Map<number, number>()
  for (const record of await run.target.read(run.output, 0)) {
    const seq = Number(record.key?.toString().slice(1))
    seen.set(seq, (seen.get(seq) ?? 0) + 1)
  }
  const missing = [...Array(RECORDS).keys()].filter((i) => !seen.has(i))
  assert.deepEqual(missing.slice(0, 10), [], `${missing.length} records missing from the output`)
  return seen
}

async function stopAll(members: readonly Member[]): Promise<void> {
  for (const member of members) member.cli.child.kill('SIGTERM')
  for (const member of members) {
    const { code } = await member.cli.exited
    assert.equal(code, 0, `a member exited ${code}; its stderr ends: ${member.cli.stderr().slice(-2000)}`)
  }
}

eachBroker(
  `three processes in one group, one SIGKILLed mid-run and replaced: ${RECORDS} records all in the output, duplicates only after the killed member's last commit`,
  async (t, target) => {
    const run = await prepare(t, target)
    const members = [await start(run), await start(run), await start(run)]
    const views = await settled(members)
    await produce(target, run.input, 0, RECORDS)
    await until(
      'a quarter of the records in the output',
      async () => (await target.endOffset(run.output, 0)) >= RECORDS / 4
    )

    const victim = members[1] as Member
    const killedPartitions = (views[1] as Membership).assignments.flatMap((a) => a.partitions)
    victim.cli.child.kill('SIGKILL')
    await victim.cli.exited
    // What the killed member committed last: nobody else commits its partitions until the group
    // notices it is gone (the session timeout) and gives them to another member.
    const lastCommits = await committedOffsets(target, run.group, run.input)
    const replacement = await start(run)
    const seen = await finish(run)

    // Record i is at partition i % 12, offset floor(i / 12): produced in order, one partition each.
    let duplicates = 0
    const misplaced: string[] = []
    for (const [seq, count] of seen) {
      if (count === 1) continue
      duplicates += count - 1
      const partition = seq % PARTITIONS
      const offset = Math.floor(seq / PARTITIONS)
      if (!killedPartitions.includes(partition) || offset < (lastCommits[partition] ?? 0))
        misplaced.push(`r${seq} (partition ${partition}, offset ${offset}) x${count}`)
    }
    assert.deepEqual(
      misplaced.slice(0, 10),
      [],
      `${misplaced.length} duplicate(s) not after the killed member's last commit`
    )
    t.diagnostic(
      `${RECORDS} records; killed member held partitions ${killedPartitions.join(',')} committed at ${killedPartitions.map((p) => lastCommits[p]).join(',')}; ${duplicates} duplicate(s), all after its last commit`
    )
    await stopAll([members[0] as Member, members[2] as Member, replacement])
  }
)

eachBroker(
  `three processes in one group, one SIGTERMed and a fourth joining mid-run: ${RECORDS} records each exactly once in the output`,
  async (t, target) => {
    const run = await prepare(t, target)
    const members = [await start(run), await start(run), await start(run)]
    await settled(members)
    await produce(target, run.input, 0, RECORDS)
    await until(
      'a quarter of the records in the output',
      async () => (await target.endOffset(run.output, 0)) >= RECORDS / 4
    )
    const leaver = members[1] as Member
    leaver.cli.child.kill('SIGTERM')
    const fourth = await start(run)
    assert.equal((await leaver.cli.exited).code, 0)
    const seen = await finish(run)
    const duplicated = [...seen].filter(([, count]) => count > 1).map(([seq, count]) => `r${seq} x${count}`)
    assert.deepEqual(duplicated.slice(0, 10), [], `${duplicated.length} record(s) more than once`)
    await stopAll([members[0] as Member, members[2] as Member, fourth])
  }
)
