import { runCommand } from './process.js'

/**
 * Partition `partition` of `topic` read back from the beginning by Debian's kcat, an independent
 * client (librdkafka: every codec), from the brokers in `bootstrap` (`host:port,...`): one line per
 * record in kcat's `-f` format (without the trailing newline).
 */
export async function kcatConsume(
  bootstrap: string,
  topic: string,
  partition: number,
  format: string
): Promise<string[]> {
  const kcat = await runCommand('kcat', [
    '-C',
    '-b',
    bootstrap,
    '-t',
    topic,
    '-p',
    String(partition),
    '-o',
    'beginning',
    '-e',
    '-q',
    '-f',
    `${format}\\n`
  ])
  if (kcat.status !== 0) throw new Error(`kcat exited with ${String(kcat.status)}: ${kcat.stderr}`)
  return kcat.stdout.trimEnd().split('\n')
}
