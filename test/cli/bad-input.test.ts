import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli, runInProcess } from '../helpers/cli.js'
import { randomBytes } from '../helpers/random.js'

function tempFile(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'krn-bad-')), name)
  writeFileSync(path, content)
  return path
}

const good = (n: number): string =>
  JSON.stringify({ id: `0c1f5a52-7a32-4b7e-9d6e-1f2a3b4c5d1${n}`, ts: n, type: 'CUSTOM', data: { n } })

// The line cases run in-process (runInProcess): a process would add only its start-up. The chain
// load errors are thrown by the run there; one case keeps a process for the exit status they give.

const WARN = { logLevel: 'warn' } as const

function exits(stdout: string): { relation: string; msg: { id: string } }[] {
  return stdout
    .trimEnd()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { relation: string; msg: { id: string } })
}

test('wrong types in a message are reported per line, naming the field, and the run goes on', async () => {
  const input = [
    '{"type":42}',
    '{"data":{}}',
    '{"type":"T","metadata":["a"]}',
    '{"type":"T","metadata":{"a":{"b":1}}}',
    '{"type":"T","originator":"DEVICE"}',
    '{"type":"T","ts":"yesterday"}',
    '{"type":"T","id":7}',
    '[1,2,3]',
    '"just a string"',
    good(1)
  ].join('\n')
  const result = await runInProcess('examples/switch-log.json', input, WARN)
  assert.deepEqual(result.summary, { lines: 10, badLines: 9, entered: 1, left: 1 })
  const errors = result.stderr.trimEnd().split('\n')
  assert.equal(errors.length, 9, result.stderr)
  for (const [index, line] of errors.entries()) assert.match(line, new RegExp(`^line ${index + 1}: \\S`))
  assert.match(errors[0] ?? '', /^line 1: type must be a (non-empty )?string/)
  assert.match(errors[1] ?? '', /^line 2: type /)
  assert.match(errors[2] ?? '', /^line 3: metadata must be an object/)
  assert.match(errors[3] ?? '', /^line 4: metadata\.a must be a string/)
  assert.match(errors[4] ?? '', /^line 5: originator must be an object/)
  assert.match(errors[5] ?? '', /^line 6: ts must be/)
  assert.match(errors[6] ?? '', /^line 7: id must be/)
  assert.deepEqual(
    exits(result.stdout).map((exit) => [exit.relation, exit.msg.id]),
    [['Other', '0c1f5a52-7a32-4b7e-9d6e-1f2a3b4c5d11']]
  )
})

test('a line over the default 1 MiB limit is skipped and the messages around it go through', async () => {
  const huge = JSON.stringify({ type: 'T', data: 'x'.repeat(1024 * 1024 + 10) })
  const result = await runInProcess('examples/switch-log.json', [good(1), huge, good(2)].join('\n'), WARN)
  assert.deepEqual(result.summary, { lines: 3, badLines: 1, entered: 2, left: 2 })
  assert.equal(
    result.stderr,
    'line 2: line is longer than 1048576 bytes (the limit; see --max-line-bytes); skipped\n'
  )
  assert.deepEqual(
    exits(result.stdout).map((exit) => exit.msg.id),
    ['0c1f5a52-7a32-4b7e-9d6e-1f2a3b4c5d11', '0c1f5a52-7a32-4b7e-9d6e-1f2a3b4c5d12']
  )
})

test('binary garbage gives one error line per garbage line, never a crash', async () => {
  // Random bytes without newlines, so that each garbage block is exactly one input line.
  const garbage = (seed: number): Buffer =>
    Buffer.from(randomBytes(seed, 300).map((b) => (b === 0x0a ? 0x00 : b)))
  const input = Buffer.concat([
    garbage(1),
    Buffer.from(`\n${good(1)}\n`),
    garbage(2),
    Buffer.from('\n'),
    Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22]),
    Buffer.from(`\n${good(2)}\n`)
  ])
  const result = await runInProcess('examples/switch-log.json', input, WARN)
  assert.deepEqual(result.summary, { lines: 5, badLines: 3, entered: 2, left: 2 })
  // Random bytes are not UTF-8: each such line is reported as that, not decoded into U+FFFDs.
  assert.deepEqual(result.stderr.trimEnd().split('\n'), [
    'line 1: line is not valid UTF-8; skipped',
    'line 3: line is not valid UTF-8; skipped',
    'line 4: line is not valid UTF-8; skipped'
  ])
  assert.deepEqual(
    exits(result.stdout).map((exit) => exit.msg.id),
    ['0c1f5a52-7a32-4b7e-9d6e-1f2a3b4c5d11', '0c1f5a52-7a32-4b7e-9d6e-1f2a3b4c5d12']
  )
})

test('input that starts with a UTF-8 byte order mark is read; a line that is not UTF-8 is reported and skipped', async () => {
  const input = Buffer.concat([
    Buffer.from([0xef, 0xbb, 0xbf]),
    Buffer.from(`${good(1)}\n`),
    // Latin-1 "é" inside a string: JSON.parse would have taken it as U+FFFD without a word.
    Buffer.from('{"type":"CUSTOM","data":{"name":"caf'),
    Buffer.from([0xe9]),
    Buffer.from(`"}}\n${good(2)}\n`)
  ])
  const result = await runInProcess('examples/switch-log.json', input, WARN)
  assert.deepEqual(result.summary, { lines: 3, badLines: 1, entered: 2, left: 2 })
  assert.equal(result.stderr, 'line 2: line is not valid UTF-8; skipped\n')
  assert.deepEqual(
    exits(result.stdout).map((exit) => exit.msg.id),
    ['0c1f5a52-7a32-4b7e-9d6e-1f2a3b4c5d11', '0c1f5a52-7a32-4b7e-9d6e-1f2a3b4c5d12']
  )
})

test('a chain with a cycle is not loaded: the error names the nodes on it', async () => {
  const log = (name: string): object => ({ type: 'org.thingsboard.rule.engine.action.TbLogNode', name })
  const path = tempFile(
    'cycle.json',
    JSON.stringify({
      metadata: {
        firstNodeIndex: 0,
        nodes: [log('A'), log('B'), log('C')],
        connections: [
          { fromIndex: 0, toIndex: 1, type: 'Success' },
          { fromIndex: 1, toIndex: 2, type: 'Success' },
          { fromIndex: 2, toIndex: 1, type: 'Success' }
        ]
      }
    })
  )
  await assert.rejects(runInProcess(path, good(1)), { name: 'ChainLoadError', message: /cycle.*"B".*"C"/ })
})

test('a chain file that does not exist exits 1 naming it', async () => {
  const result = await runCli(['run', '/nonexistent/chain.json'])
  assert.equal(result.code, 1)
  assert.match(
    result.stderr,
    /^kafka-rule-node: ChainLoadError: cannot read rule chain \/nonexistent\/chain\.json: ENOENT/
  )
})

test('a chain that is JSON but not a rule chain is not loaded: the error says what is wrong', async () => {
  // An array holds several chains (a chain and the chains it calls): each must be an export.
  const arrayPath = tempFile('array.json', '[1, 2]')
  await assert.rejects(runInProcess(arrayPath, ''), {
    name: 'ChainLoadError',
    message: `rule chain ${arrayPath}: array element 0: a rule chain export must be a JSON object`
  })
  await assert.rejects(runInProcess(tempFile('empty.json', '{}'), ''), {
    name: 'ChainLoadError',
    message: /nodes/
  })
})
