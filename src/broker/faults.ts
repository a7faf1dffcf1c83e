// Fault injection for tests: what the broker does wrong, on purpose, when asked.

/** The faults a test can switch on; all off by default. */
export interface BrokerFaults {
  /** Accept connections and destroy them at once. */
  refuseConnections(on: boolean): void
  /** Close each new connection after it has sent `requests` requests (0: never). */
  closeAfter(requests: number): void
  /** Delay responses by `ms`, for every API or one (by name, e.g. 'Produce'). */
  delay(ms: number, api?: string): void
  /** Answer the next `count` requests of `api` with `errorCode` (per partition where the API has them). */
  failNext(api: string, errorCode: number, count: number): void
  /**
   * Handle the next `count` requests of `api` but close the connection instead of answering (a lost
   * answer). `afterEach` runs once the connection is closed, e.g. to kill the broker at the moment
   * it has written a batch and not yet answered, as in a crash.
   */
  dropAnswers(api: string, count: number, afterEach?: () => void): void
  /** Switches every fault off. */
  clear(): void
}

/** The broker's fault settings, read by the server on each connection and request. */
export class FaultState implements BrokerFaults {
  refusing = false
  closeAfterRequests = 0
  delays = new Map<string, number>()
  failures = new Map<string, { errorCode: number; count: number }>()
  drops = new Map<string, { count: number; afterEach: (() => void) | undefined }>()

  refuseConnections(on: boolean): void {
    this.refusing = on
  }

  closeAfter(requests: number): void {
    this.closeAfterRequests = requests
  }

  delay(ms: number, api = '*'): void {
    this.delays.set(api, ms)
  }

  failNext(api: string, errorCode: number, count: number): void {
    this.failures.set(api, { errorCode, count })
  }

  dropAnswers(api: string, count: number, afterEach?: () => void): void {
    this.drops.set(api, { count, afterEach })
  }

  clear(): void {
    this.drops.clear()
    this.refusing = false
    this.closeAfterRequests = 0
    this.delays.clear()
    this.failures.clear()
  }

  /** How long to hold the response to a request of `api`. */
  delayFor(api: string): number {
    return this.delays.get(api) ?? this.delays.get('*') ?? 0
  }

  /** The error code to inject into this request of `api`, counting it down. */
  takeFailure(api: string): number | undefined {
    const failure = this.failures.get(api)
    if (failure === undefined || failure.count <= 0) return undefined
    failure.count--
    if (failure.count === 0) this.failures.delete(api)
    return failure.errorCode
  }

  /**
   * Whether to lose the answer to this request of `api`, counting it down: undefined to answer, or
   * what to run once the connection is closed.
   */
  takeDrop(api: string): { afterEach: (() => void) | undefined } | undefined {
    const drop = this.drops.get(api)
    if (drop === undefined || drop.count <= 0) return undefined
    drop.count--
    if (drop.count === 0) this.drops.delete(api)
    return drop
  }
}
