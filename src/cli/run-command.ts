import { readFile } from 'node:fs/promises'
import type { Readable, Writable } from 'node:stream'
import { loadChain, type Chain, type ChainExit, type ChainOptions } from '../engine/chain.js'
import type { Logger } from '../engine/logger.js'
import type { NodeRegistry } from '../engine/registry.js'
import { ChainLoadError, RuleNodeError, describeError } from '../errors.js'
import { parseMessage } from '../msg/parse-message.js'
import { readLines } from './line-reader.js'
import { LineWriter } from './line-writer.js'

/** The longest input line read by default (`--max-line-bytes`): 1 MiB. */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024

/** Everything `run` needs from its surroundings, so that tests can run it in-process too. */
export interface RunOptions {
  readonly chainPath: string
  readonly registry: NodeRegistry
  readonly input: Readable
  readonly output: Writable
  /** Where per-line input errors go, one line each. */
  readonly errors: Writable
  readonly logger: Logger
  readonly maxLineBytes: number
  /** Aborted on the first SIGTERM: stop reading, let what is in the chain leave it, then return. */
  readonly stop?: AbortSignal
  /** Called with the running chain, e.g. to add HTTP ingestion or progress reporting. */
  readonly onStarted?: (chain: Chain) => void | Promise<void>
  /** Called once input has ended (or a stop came), before the chain is emptied: close other inputs here. */
  readonly onStopping?: () => void | Promise<void>
  /** Keep running after the end of stdin until `stop` is aborted (when other inputs, such as HTTP, feed the chain). */
  readonly untilStopped?: boolean
  /** Gives each node its metrics. */
  readonly metricsFor?: ChainOptions['metricsFor']
  /** Run nodes of unsupported types as stand-ins that pass messages on Success (`--stub-unsupported`). */
  readonly stubUnsupported?: boolean
}

/** What a run did, for its exit status and summary. */
export interface RunSummary {
  readonly lines: number
  readonly badLines: number
  readonly entered: number
  readonly left: number
  /** Why stdout failed, when it failed other than by its reader going away (EPIPE): output was lost. */
  readonly outputError?: string
}

function untilAborted(signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) throw new Error('untilStopped needs a stop signal')
  if (signal.aborted) return Promise.resolve()
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))
}

const MAX_RELATIONS_CACHED = 64

/**
 * The start of an output line, `{"relation":…,"node":…,"msg":`, serialised once per node and
 * relation rather than once per message: a chain has a handful of exits, each taken over and over.
 */
class LinePrefixes {
  readonly #byNode = new Map<string, Map<string, string>>()

  of(relation: string, node: string): string {
    let byRelation = this.#byNode.get(node)
    if (byRelation === undefined) this.#byNode.set(node, (byRelation = new Map()))
    let prefix = byRelation.get(relation)
    if (prefix === undefined) {
      prefix = `{"relation":${JSON.stringify(relation)},"node":${JSON.stringify(node)},"msg":`
      // A script switch may name relations without end: the cache stays bounded.
      if (byRelation.size < MAX_RELATIONS_CACHED) byRelation.set(relation, prefix)
    }
    return prefix
  }
}

/** Reads the chain file and parses it, with errors that name the file. */
export async function readChainFile(path: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new ChainLoadError(`cannot read rule chain ${path}: ${(error as Error).message}`)
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new ChainLoadError(`rule chain ${path} is not JSON: ${(error as Error).message}`)
  }
}

/** Loads the chain file; a load error names the file. */
async function loadChainFile(options: RunOptions, onExit: (exit: ChainExit) => void): Promise<Chain> {
  const exported = await readChainFile(options.chainPath)
  try {
    return await loadChain(exported, options.registry, {
      onExit,
      logger: options.logger,
      stubUnsupported: options.stubUnsupported === true,
      ...(options.metricsFor === undefined ? {} : { metricsFor: options.metricsFor })
    })
  } catch (error) {
    if (!(error instanceof ChainLoadError)) throw error
    throw new ChainLoadError(`rule chain ${options.chainPath}: ${error.message}`, {
      context: error.context,
      cause: error
    })
  }
}

/** `kafka-rule-node run CHAIN.json`: NDJSON messages in, one NDJSON line per message leaving the chain out. */
export async function runChain(options: RunOptions): Promise<RunSummary> {
  let outputError: string | undefined
  // Set once the chain is loaded: a reader that goes away also ends the source nodes.
  let stopSources = (): void => {}
  const writer = new LineWriter(options.output, (error) => {
    const why = error.code ?? describeError(error)
    if (options.untilStopped === true) {
      // A service's job is delivering what it accepted; its stdout is a by-product.
      options.errors.write(
        `stdout is closed (${why}): messages are still taken and delivered; their output lines are dropped\n`
      )
      return
    }
    // A filter whose reader went away has nobody to work for (as \`yes | head -1\` ends): stop
    // reading, let what is in the chain leave it, exit 0 quietly. Any other failure lost output.
    if (error.code !== 'EPIPE') {
      outputError = describeError(error)
      options.errors.write(`stdout failed (${outputError}); stopped reading input\n`)
    }
    options.input.destroy()
    stopSources()
  })
  let left = 0
  const prefixes = new LinePrefixes()
  const onExit = (exit: ChainExit): void => {
    left++
    writer.write(`${prefixes.of(exit.relation, exit.node)}${JSON.stringify(exit.msg)}}`)
  }
  const chain = await loadChainFile(options, onExit)
  stopSources = () => chain.stopSources()
  let lines = 0
  let badLines = 0
  let othersStopped = false
  const stopOtherInputs = async (): Promise<void> => {
    if (othersStopped) return
    othersStopped = true
    await options.onStopping?.()
  }
  // Destroying the input ends the read loop even while no line is arriving; a stop also ends
  // the source nodes (a generator without a message count makes messages until then).
  const stopReading = (): void => {
    options.input.destroy()
    chain.stopSources()
  }
  options.stop?.addEventListener('abort', stopReading, { once: true })
  try {
    await options.onStarted?.(chain)
    try {
      await readInput()
    } catch (error) {
      // Destroying the input to stop ends the read loop with a premature-close error.
      if (options.stop?.aborted !== true && !outputGone()) throw error
    }
    if (options.untilStopped === true) await untilAborted(options.stop)
    await chain.sourcesDone()
    await stopOtherInputs()
    // On a stop, destroy flushes instead: it does not wait for a linger or for retries to end.
    if (options.stop?.aborted !== true) {
      chain.endOfInput()
      await chain.drain()
    }
  } finally {
    options.stop?.removeEventListener('abort', stopReading)
    await stopOtherInputs()
    await chain.destroy()
    await writer.end()
  }
  return {
    lines,
    badLines,
    entered: chain.entered,
    left,
    ...(outputError === undefined ? {} : { outputError })
  }

  function outputGone(): boolean {
    return writer.closed && options.untilStopped !== true
  }

  async function readInput(): Promise<void> {
    reading: for await (const batch of readLines(options.input, options.maxLineBytes)) {
      for (const line of batch) {
        if (options.stop?.aborted === true || outputGone()) break reading
        lines = line.number
        if ('error' in line) {
          badLines++
          options.errors.write(`line ${line.number}: ${line.error}\n`)
          continue
        }
        if (line.text.trim() === '') continue
        let accepted
        try {
          accepted = chain.push(parseMessage(line.text))
        } catch (error) {
          badLines++
          const reason = error instanceof RuleNodeError ? error.message : describeError(error)
          options.errors.write(`line ${line.number}: ${reason}\n`)
          continue
        }
        if (accepted !== undefined) await accepted
        if (writer.backlogged) await writer.drained()
      }
    }
  }
}
