// Whether the brokers can be reached, for the producer's health (/healthz). Traffic alone cannot tell:
// without messages nothing would notice a broker that came back, and a broker that hangs (a frozen
// process, a network that drops packets) fails nothing until request.timeout.ms or later. So, as
// the Java producer's NetworkClient keeps its metadata fresh on its own, a cheap request goes out
// every interval, and an answer that does not come within a short timeout counts as unreachable;
// one that comes late does not count as reached.

/** What the check needs from the producer. */
export interface ReachabilityOptions {
  readonly intervalMs: number
  readonly timeoutMs: number
  /** One cheap request to the brokers (a metadata request for no topic). */
  check(): Promise<unknown>
  /** What a failed check says, for the health detail. */
  describe(error: unknown): string
}

/** The brokers' reachability, from periodic checks and from what traffic shows. */
export class Reachability {
  #reached = false
  #reason = 'not connected yet'
  #timer: NodeJS.Timeout | undefined
  #checking = false

  constructor(readonly options: ReachabilityOptions) {}

  /** Whether the last answer (a check's or traffic's) came from the brokers. */
  get ok(): boolean {
    return this.#reached
  }

  /** Why the brokers are not reachable (the last failure). */
  get reason(): string {
    return this.#reason
  }

  /** The brokers answered. */
  reached(): void {
    this.#reached = true
  }

  /** The brokers could not be reached, for `reason`. */
  unreachable(reason: string): void {
    this.#reached = false
    this.#reason = reason
  }

  /** Records the last failure without judging reachability (a refused record, a broker error). */
  failed(reason: string): void {
    this.#reason = reason
  }

  /** Checks now, then every interval until stop(). */
  start(): void {
    this.#check()
    this.#timer = setInterval(() => this.#check(), this.options.intervalMs)
    this.#timer.unref()
  }

  stop(): void {
    clearInterval(this.#timer)
    this.#timer = undefined
  }

  // One check at a time: a broker that does not answer gets no pile of requests.
  #check(): void {
    if (this.#checking) return
    this.#checking = true
    let late = false
    const timeout = setTimeout(() => {
      late = true
      this.unreachable(`no answer within ${this.options.timeoutMs} ms`)
    }, this.options.timeoutMs)
    timeout.unref()
    this.options.check().then(
      () => {
        clearTimeout(timeout)
        this.#checking = false
        if (!late && this.#timer !== undefined) this.reached()
      },
      (error: unknown) => {
        clearTimeout(timeout)
        this.#checking = false
        if (!late && this.#timer !== undefined) this.unreachable(this.options.describe(error))
      }
    )
  }
}
