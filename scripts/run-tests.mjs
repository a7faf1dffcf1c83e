// Runs every test/**/*.test.ts on node:test through tsx; extra arguments narrow it to files or folders.
// First it brings what the tests need: kcat, openssl and mosquitto_pub (from Debian's packages when it may install
// them), Apache Kafka's jars (Maven Central), and one Apache Kafka broker shared by the whole run
// (KRN_KAFKA_DIR), stopped at the end. KAFKA_BOOTSTRAP=host:port uses a Kafka of one's own instead.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'

function collect(path, out) {
  if (statSync(path).isDirectory()) {
    for (const entry of readdirSync(path).sort()) collect(join(path, entry), out)
  } else if (path.endsWith('.test.ts')) {
    out.push(path)
  }
  return out
}

const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0

function stop(message) {
  console.error(`npm test: ${message}`)
  process.exit(1)
}

/** Installs the Debian packages the tests use, when missing and when this is root; else says what to install. */
function requireDebianPackages() {
  const missing = ['kcat', 'openssl', 'mosquitto_pub', 'javac', 'mvn'].filter((command) => !has(command))
  if (missing.length === 0) return
  const packages = missing.map(
    (c) => ({ javac: 'openjdk-17-jdk-headless', mvn: 'maven', mosquitto_pub: 'mosquitto-clients' })[c] ?? c
  )
  if (process.getuid?.() !== 0)
    stop(`missing ${missing.join(', ')}: run apt-get install -y ${packages.join(' ')}`)
  console.error(`npm test: installing ${packages.join(' ')} from Debian's packages`)
  for (const args of [['update'], ['install', '-y', ...packages]]) {
    if (spawnSync('apt-get', args, { stdio: 'inherit' }).status !== 0)
      stop(`apt-get ${args.join(' ')} failed`)
  }
}

const tsx = (args, options) =>
  spawnSync(process.execPath, ['--import', 'tsx', ...args], { stdio: 'inherit', ...options })

const args = process.argv.slice(2)
const flags = args.filter((a) => a.startsWith('--'))
const roots = args.filter((a) => !a.startsWith('--'))
const files = (roots.length > 0 ? roots : ['test']).flatMap((root) => collect(root, []))
if (files.length === 0) stop(`no test files under ${roots.join(', ')}`)

/** Stops the brokers of earlier runs that were killed before they could stop them. */
function stopOrphans() {
  const root = join(process.cwd(), '.tmp', 'kafka')
  if (!existsSync(root)) return
  for (const name of readdirSync(root)) {
    const owner = Number(/^test-run-(\d+)$/.exec(name)?.[1])
    if (!owner || alive(owner)) continue
    const dir = join(root, name)
    if (existsSync(join(dir, 'cluster.json'))) tsx(['reference/kafka/cli.ts', 'stop', '--dir', dir])
    rmSync(dir, { recursive: true, force: true })
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

requireDebianPackages()
stopOrphans()
const env = { ...process.env }
let kafkaDir
if ((env.KAFKA_BOOTSTRAP ?? '') === '') {
  kafkaDir = join(process.cwd(), '.tmp', 'kafka', `test-run-${process.pid}`)
  const started = tsx([
    'reference/kafka/cli.ts',
    'start',
    '--brokers',
    '1',
    '--base-port',
    '0',
    '--dir',
    kafkaDir
  ])
  if (started.status !== 0) stop('Apache Kafka did not start (see above)')
  env.KRN_KAFKA_DIR = kafkaDir
}
// Ctrl-C reaches the test runner too; this process outlives it, to stop the broker below.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => undefined)
let result
try {
  // --test-force-exit: a test file whose tests have all finished ends even when a third-party
  // client it used keeps a socket open (@platformatic/kafka's consumer can open a fetch connection
  // after close() under load): without it the file's process waited for ever and CI with it. Our
  // own processes' exits are asserted by the tests that start them.
  result = tsx(['--test', '--test-force-exit', '--test-reporter=spec', ...flags, ...files], { env })
} finally {
  if (kafkaDir !== undefined && existsSync(join(kafkaDir, 'cluster.json'))) {
    tsx(['reference/kafka/cli.ts', 'stop', '--dir', kafkaDir])
    rmSync(kafkaDir, { recursive: true, force: true })
  }
}
process.exit(result.status ?? 1)
