import { runCommand } from './process.js'

/**
 * Partition `partition` of `topic` (every partition when 'all') read back from the beginning by
 * Debian's kcat, an independent client (librdkafka: every codec), from the brokers in `bootstrap`
 * (`host:port,...`): one line per record in kcat's `-f` format (without the trailing newline).
 */
export async function kcatConsume(
  bootstrap: string,
  topic: string,
  partition: number | 'all',
  format: string
): Promise<string[]> {
  const kcat = await runCommand('kcat', [
    '-C',
    '-b',
    bootstrap,
    '-t',
    topic,
    ...(partition === 'all' ? [] : ['-p', String(partition)]),
    '-o',
    'beginning',
    '-e',
    '-q',
    '-f',
    `${format}\\n`
  ])
  if (kcat.status !== 0) throw new Error(`kcat exited with ${String(kcat.status)}: ${kcat.stderr}`)
  const out = kcat.stdout.trimEnd()
  return out === '' ? [] : out.split('\n')
}
