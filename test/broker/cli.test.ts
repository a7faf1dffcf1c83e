import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startCli, runCli } from '../helpers/cli.js'
import { runCommand } from '../helpers/process.js'

test('kafka-rule-node broker prints "listening on HOST:PORT", serves kcat, and exits 0 on SIGTERM', async (t) => {
  const cli = startCli(['broker', '--port', '0', '--partitions', '2'])
  t.after(() => cli.child.kill('SIGKILL'))
  const address = await new Promise<string>((resolve, reject) => {
    const check = (): void => {
      const match = /^listening on (127\.0\.0\.1:\d+)$/m.exec(cli.stdout())
      if (match?.[1] !== undefined) resolve(match[1])
    }
    cli.child.stdout.on('data', check)
    void cli.exited.then(() => reject(new Error(`exited early: ${cli.stderr()}`)))
  })
  const metadata = await runCommand('kcat', ['-L', '-b', address, '-t', 'cli-topic'])
  assert.match(metadata.stdout, /topic "cli-topic" with 2 partitions:/)
  cli.child.kill('SIGTERM')
  const result = await cli.exited
  assert.equal(result.code, 0)
  assert.match(result.stderr, /development broker: for development and tests, not for production/)
})

test('kafka-rule-node broker with a bad option exits 2 naming it', async () => {
  const result = await runCli(['broker', '--partitions', 'many'])
  assert.equal(result.code, 2)
  assert.match(
    result.stderr,
    /^kafka-rule-node broker: --partitions must be an integer from 1 to 65535 \(got "many"\)/
  )
})

for (const row of [
  {
    name: 'not JSON',
    content: '[{"name": "a", ',
    error: (path: string) =>
      new RegExp(`^kafka-rule-node broker: --data-dir: ${escape(path)} is not JSON: .+$`, 'm')
  },
  {
    name: 'not an array',
    content: '{"name": "a"}',
    error: (path: string) =>
      exact(
        `kafka-rule-node broker: --data-dir: ${path} must be a JSON array of {"name", "id", "partitions"}`
      )
  },
  {
    name: 'an entry with a bad partition count',
    content: JSON.stringify([{ name: 'orders', id: '0123456789abcdef0123456789abcdef', partitions: 0 }]),
    error: (path: string) =>
      exact(`kafka-rule-node broker: --data-dir: ${path}: entry 0: partitions 0 is not a positive integer`)
  }
]) {
  test(`kafka-rule-node broker with a topics.json that is ${row.name} exits 1 naming the file and the fault`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'broker-data-'))
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    const path = join(dir, 'topics.json')
    writeFileSync(path, row.content)
    const result = await runCli(['broker', '--port', '0', '--data-dir', dir])
    assert.equal(result.code, 1)
    assert.match(result.stderr, row.error(path))
    assert.doesNotMatch(result.stderr, /cannot listen/)
  })
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

function exact(line: string): RegExp {
  return new RegExp(`^${escape(line)}$`, 'm')
}
