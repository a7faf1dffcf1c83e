import type { Chain } from '../engine/chain.js'

/** A progress line that can be stopped. */
export interface Progress {
  stop(): void
}

/**
 * Rewrites one status line on a terminal every second: messages in and out, rate, in flight,
 * failures. Only for terminals: redirected stderr gets no progress noise.
 */
export function startProgress(chain: Chain, out: NodeJS.WriteStream, everyMs = 1000): Progress {
  let last = chain.entered
  let lastAt = Date.now()
  const timer = setInterval(() => {
    const now = Date.now()
    const rate = ((chain.entered - last) * 1000) / Math.max(1, now - lastAt)
    last = chain.entered
    lastAt = now
    let left = 0
    for (const count of chain.exitCounts().values()) left += count
    const failures = chain.exitCounts().get('Failure') ?? 0
    out.write(
      `\r${chain.entered} in, ${left} out, ${Math.round(rate)} msg/s, ${chain.inFlight} in flight, ${failures} failures\x1b[K`
    )
  }, everyMs)
  timer.unref()
  return {
    stop() {
      clearInterval(timer)
      out.write('\n')
    }
  }
}
