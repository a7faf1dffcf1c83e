import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { kafkaClasspath, referenceDir } from './libs.js'
import { testCa, type TestCa } from './test-ca.js'

/** The listeners every reference broker has, by name. */
export const LISTENERS = ['PLAINTEXT', 'SASL_PLAINTEXT', 'SSL', 'MTLS', 'SASL_SSL'] as const
/** A client-facing listener: MTLS is SSL that requires a client certificate. */
export type Listener = (typeof LISTENERS)[number]

/** The users the brokers know: PLAIN from the JAAS configuration, SCRAM made by `kafka-storage format`. */
export const USERS = {
  plain: { username: 'alice', password: 'alice-secret' },
  scram: { username: 'bob', password: 'bob-secret' }
} as const

/** One broker (combined with a KRaft controller) of a reference cluster. */
export interface KafkaNodeState {
  readonly id: number
  readonly ports: Readonly<Record<Listener | 'CONTROLLER', number>>
  readonly dir: string
  pid: number
}

/** What `start` wrote down, so that another process can find and stop the cluster. */
export interface KafkaClusterState {
  readonly dir: string
  readonly clusterId: string
  readonly nodes: KafkaNodeState[]
}

/** Options for `startKafka`. */
export interface StartKafkaOptions {
  /** 1: one combined broker and controller; 3: three of them, a three-voter quorum. */
  readonly brokers: 1 | 3
  /** Where storage, logs, certificates and `cluster.json` go; a new folder under `.tmp/kafka` by default. */
  readonly dir?: string
  /** First port; each node takes six from `basePort + 10 * index`. Free ports by default. */
  readonly basePort?: number
  /** Maximum heap per broker. */
  readonly heapMb?: number
}

const ready = (cluster: KafkaClusterState, listener: Listener): string =>
  cluster.nodes.map((node) => `127.0.0.1:${node.ports[listener]}`).join(',')

/** A running reference cluster: its addresses, its users and CA, and control over each broker. */
export class KafkaCluster {
  readonly tls: TestCa

  constructor(readonly state: KafkaClusterState) {
    this.tls = testCa(join(state.dir, 'tls'))
  }

  /** The bootstrap list of `listener` on every broker. */
  bootstrap(listener: Listener = 'PLAINTEXT'): string {
    return ready(this.state, listener)
  }

  /** Sends `signal` to broker `id` (SIGKILL to crash it, SIGSTOP to hang it, SIGCONT to wake it). */
  signal(id: number, signal: NodeJS.Signals): void {
    process.kill(this.node(id).pid, signal)
  }

  /**
   * Starts brokers `ids` again on their storage and ports, after they were killed or stopped;
   * resolves once every broker serves. Several at once: each must be launched before waiting,
   * since a broker still down would count as one that died while starting.
   */
  async restart(...ids: number[]): Promise<void> {
    const classpath = kafkaClasspath()
    for (const id of ids) {
      const node = this.node(id)
      node.pid = launch(node, classpath, this.heapMb())
    }
    saveState(this.state)
    await waitServing(this.state, this.state.nodes.length)
  }

  /** Stops broker `id` cleanly (SIGTERM, controlled shutdown) and waits for its exit. */
  async stopBroker(id: number): Promise<void> {
    await terminate(this.node(id).pid)
  }

  /** Stops every broker and deletes the cluster's folder. */
  async stop(): Promise<void> {
    await stopKafka(this.state)
  }

  private node(id: number): KafkaNodeState {
    const node = this.state.nodes.find((n) => n.id === id)
    if (node === undefined) throw new Error(`no broker ${id} in this cluster`)
    return node
  }

  private heapMb(): number {
    return Number(readFileSync(join(this.state.dir, 'heap-mb'), 'utf8'))
  }
}

/** Formats KRaft storage and starts Apache Kafka; resolves once every broker serves. */
export async function startKafka(options: StartKafkaOptions): Promise<KafkaCluster> {
  const classpath = kafkaClasspath()
  const dir = options.dir ?? join(process.cwd(), '.tmp', 'kafka', `cluster-${randomBytes(4).toString('hex')}`)
  mkdirSync(join(dir, 'tls'), { recursive: true })
  const heapMb = options.heapMb ?? 512
  writeFileSync(join(dir, 'heap-mb'), String(heapMb))
  const tls = testCa(join(dir, 'tls'))
  const nodes: KafkaNodeState[] = []
  for (let index = 0; index < options.brokers; index++) {
    const ports = await nodePorts(options.basePort === undefined ? undefined : options.basePort + 10 * index)
    nodes.push({ id: index + 1, ports, dir: join(dir, `node-${index + 1}`), pid: 0 })
  }
  const state: KafkaClusterState = { dir, clusterId: clusterId(), nodes }
  const voters = nodes.map((n) => `${n.id}@127.0.0.1:${n.ports.CONTROLLER}`).join(',')
  for (const node of nodes) {
    mkdirSync(node.dir, { recursive: true })
    writeFileSync(join(node.dir, 'server.properties'), serverProperties(node, voters, nodes.length, tls))
  }
  await Promise.all(nodes.map((node) => format(node, state.clusterId, classpath)))
  for (const node of nodes) node.pid = launch(node, classpath, heapMb)
  saveState(state)
  try {
    await waitServing(state, nodes.length)
  } catch (error) {
    await stopKafka(state, { keepDir: true })
    throw error
  }
  return new KafkaCluster(state)
}

/** Reads the state a `start` in another process wrote to `dir`. */
export function loadKafka(dir: string): KafkaCluster {
  const state = JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8')) as KafkaClusterState
  return new KafkaCluster(state)
}

/** Stops every broker of `state` (SIGTERM, then SIGKILL after 20 s) and deletes its folder. */
export async function stopKafka(
  state: KafkaClusterState,
  options: { keepDir?: boolean } = {}
): Promise<void> {
  await Promise.all(state.nodes.map((node) => terminate(node.pid)))
  if (options.keepDir !== true) rmSync(state.dir, { recursive: true, force: true })
}

function saveState(state: KafkaClusterState): void {
  writeFileSync(join(state.dir, 'cluster.json'), JSON.stringify(state, null, 2))
}

/**
 * A KRaft cluster id: 16 random bytes, base64url, as `kafka-storage random-uuid` prints. Kafka's
 * Uuid.randomUuid draws again when the text starts with '-', which a command line would read as
 * an option (`format -t -x…` fails: "--cluster-id: expected one argument"); so does this.
 */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url')
    if (!id.startsWith('-')) return id
  }
}

async function nodePorts(base: number | undefined): Promise<KafkaNodeState['ports']> {
  const names = [...LISTENERS, 'CONTROLLER'] as const
  const ports = await Promise.all(names.map((_, i) => (base === undefined ? freePort() : base + i)))
  return Object.fromEntries(names.map((name, i) => [name, ports[i]])) as KafkaNodeState['ports']
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))
      )
    })
  })
}

/** The broker's configuration: one broker+controller process, every listener, SASL users, TLS. */
function serverProperties(node: KafkaNodeState, voters: string, brokers: number, tls: TestCa): string {
  const listeners = LISTENERS.map((name) => `${name}://127.0.0.1:${node.ports[name]}`).join(',')
  const plainUsers = `user_${USERS.plain.username}="${USERS.plain.password}"`
  const plain = `org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`
  const scram = 'org.apache.kafka.common.security.scram.ScramLoginModule required;'
  const jaas = ['sasl_plaintext', 'sasl_ssl'].flatMap((listener) => [
    `listener.name.${listener}.plain.sasl.jaas.config=${plain}`,
    `listener.name.${listener}.scram-sha-256.sasl.jaas.config=${scram}`,
    `listener.name.${listener}.scram-sha-512.sasl.jaas.config=${scram}`
  ])
  const replication = Math.min(brokers, 3)
  return [
    'process.roles=broker,controller',
    `node.id=${node.id}`,
    `controller.quorum.voters=${voters}`,
    `listeners=${listeners},CONTROLLER://127.0.0.1:${node.ports.CONTROLLER}`,
    `advertised.listeners=${listeners}`,
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,MTLS:SSL,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    `log.dirs=${join(node.dir, 'data')}`,
    'sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
    ...jaas,
    'ssl.keystore.type=PEM',
    `ssl.keystore.location=${tls.brokerKeyStorePath}`,
    'ssl.truststore.type=PEM',
    `ssl.truststore.location=${tls.caPath}`,
    'listener.name.mtls.ssl.client.auth=required',
    'num.partitions=1',
    'default.replication.factor=1',
    `offsets.topic.replication.factor=${replication}`,
    'offsets.topic.num.partitions=4',
    `transaction.state.log.replication.factor=${replication}`,
    'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    // A crashed broker is fenced after 3 s instead of 9 s, so fault tests see leaders move sooner.
    'broker.heartbeat.interval.ms=500',
    'broker.session.timeout.ms=3000',
    ''
  ].join('\n')
}

function javaArgs(node: KafkaNodeState, classpath: string, heapMb: number, main: string): string[] {
  return [
    `-Xms${Math.min(128, heapMb)}m`,
    `-Xmx${heapMb}m`,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-Djava.awt.headless=true',
    `-Dkafka.logs.dir=${node.dir}`,
    `-Dlog4j2.configurationFile=${join(referenceDir, 'log4j2.properties')}`,
    '-cp',
    classpath,
    main
  ]
}

/** `kafka-storage format`, which also creates the SCRAM users (KIP-900). */
async function format(node: KafkaNodeState, id: string, classpath: string): Promise<void> {
  const scram = ['SCRAM-SHA-256', 'SCRAM-SHA-512'].flatMap((mechanism) => [
    '--add-scram',
    `${mechanism}=[name=${USERS.scram.username},password=${USERS.scram.password}]`
  ])
  const args = [
    ...javaArgs(node, classpath, 256, 'kafka.tools.StorageTool'),
    'format',
    '-t',
    id,
    '-c',
    join(node.dir, 'server.properties'),
    ...scram
  ]
  const result = await new Promise<{ status: number | null; output: string }>((resolve) => {
    const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('close', (status) => resolve({ status, output }))
  })
  if (result.status !== 0)
    throw new Error(`kafka-storage format failed for broker ${node.id}: ${result.output}`)
}

/** Starts broker `node` as a process of its own that outlives this one; returns its pid. */
function launch(node: KafkaNodeState, classpath: string, heapMb: number): number {
  const out = openSync(join(node.dir, 'stdout.log'), 'a')
  const child = spawn(
    'java',
    [...javaArgs(node, classpath, heapMb, 'kafka.Kafka'), join(node.dir, 'server.properties')],
    { detached: true, stdio: ['ignore', out, out] }
  )
  closeSync(out)
  child.unref()
  if (child.pid === undefined) throw new Error(`broker ${node.id} did not start`)
  return child.pid
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Resolves when every one of `count` brokers is registered and answers metadata on PLAINTEXT. */
async function waitServing(state: KafkaClusterState, count: number, timeoutMs = 120_000): Promise<void> {
  const kafka = new Kafka({
    clientId: 'reference-readiness',
    brokers: state.nodes.map((n) => `127.0.0.1:${n.ports.PLAINTEXT}`),
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 }
  })
  const deadline = Date.now() + timeoutMs
  let last = 'no answer yet'
  while (Date.now() < deadline) {
    const dead = state.nodes.find((n) => !alive(n.pid))
    if (dead !== undefined) throw new Error(`broker ${dead.id} exited while starting:\n${logTail(dead)}`)
    const admin = kafka.admin()
    try {
      await admin.connect()
      const cluster = await admin.describeCluster()
      if (cluster.brokers.length === count && cluster.controller !== null) return
      last = `${cluster.brokers.length} of ${count} brokers registered`
    } catch (error) {
      last = String(error)
    } finally {
      await admin.disconnect().catch(() => undefined)
    }
    await new Promise((resolve) => setTimeout(resolve, 300))
  }
  throw new Error(`Apache Kafka did not serve within ${timeoutMs} ms (${last}):\n${logTail(state.nodes[0])}`)
}

function logTail(node: KafkaNodeState | undefined): string {
  if (node === undefined) return ''
  const text = ['stdout.log', 'server.log']
    .map((file) => join(node.dir, file))
    .filter((path) => existsSync(path))
    .map((path) => readFileSync(path, 'utf8'))
    .join('\n')
  return text.split('\n').slice(-30).join('\n')
}

/** SIGTERM, then SIGKILL when `pid` is still there after 20 s (SIGCONT first: it may be stopped). */
async function terminate(pid: number): Promise<void> {
  if (pid === 0 || !alive(pid)) return
  for (const signal of ['SIGCONT', 'SIGTERM'] as const) {
    try {
      process.kill(pid, signal)
    } catch {
      return
    }
  }
  const deadline = Date.now() + 20_000
  while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
  if (alive(pid)) {
    process.kill(pid, 'SIGKILL')
    while (alive(pid)) await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
