import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startBroker } from '../../../src/broker/index.js'
import { address, uniqueTopic } from '../../helpers/broker.js'
import { runCommand } from '../../helpers/process.js'

test('--data-dir keeps the log and its offsets across a restart', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'krn-data-'))
  const topic = uniqueTopic('durable')
  const first = await startBroker({ port: 0, dataDir, partitions: 2 })
  const produced = await runCommand(
    'kcat',
    ['-P', '-b', address(first), '-t', topic, '-p', '1', '-K', ':'],
    'a:1\nb:2\n'
  )
  assert.equal(produced.status, 0, produced.stderr)
  const port = first.port
  await first.close()
  const second = await startBroker({ port, dataDir })
  try {
    assert.deepEqual(
      second.records(topic, 1).map((r) => [r.offset, r.key?.toString(), r.value?.toString()]),
      [
        [0, 'a', '1'],
        [1, 'b', '2']
      ]
    )
    const more = await runCommand('kcat', ['-P', '-b', address(second), '-t', topic, '-p', '1'], 'c\n')
    assert.equal(more.status, 0, more.stderr)
    assert.equal(second.highWatermark(topic, 1), 3)
    assert.equal(second.highWatermark(topic, 0), 0)
  } finally {
    await second.close()
  }
})
