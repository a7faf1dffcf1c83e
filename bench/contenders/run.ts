// What a contender is given and reports: the workload, the broker, the topic, how to offer
// messages (as fast as accepted, or at a fixed rate), and its counts.

import type { WorkItem } from '../workload.js'

/** One contender's run in its own process. */
export interface ContenderRun {
  readonly items: readonly WorkItem[]
  readonly broker: string
  readonly topic: string
  /**
   * Calls `send(i)` for each index: first the warm-up items back to back (then `settled`, which
   * resolves once they are all acknowledged), then the measured ones back to back or paced at the
   * offered rate. Time, CPU and latency count from the first measured item. A send that returns a
   * promise is outstanding until it settles; with `window` (default 1,000) outstanding, the next
   * waits.
   */
  offer(
    count: number,
    send: (index: number) => Promise<void> | void,
    settled?: () => Promise<void>,
    window?: number
  ): Promise<void>
  /** Records one message's time from entry to acknowledgement, in ms. */
  latency(ms: number): void
  finish(done: number, failed: number): void
}
