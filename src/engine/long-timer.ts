// setTimeout fires at once for a delay above 2^31 - 1 ms (about 24.8 days); ThingsBoard's delays
// (seconds as a Java int) go far beyond, so longer waits are made of several timers.

const MAX_TIMEOUT_MS = 2 ** 31 - 1

/** A timer that may run longer than setTimeout allows; `clear` stops it. */
export class LongTimer {
  #timer: NodeJS.Timeout | undefined

  constructor(delayMs: number, fire: () => void) {
    this.#arm(Date.now() + Math.max(0, delayMs), fire)
  }

  #arm(dueAt: number, fire: () => void): void {
    const left = dueAt - Date.now()
    if (left <= MAX_TIMEOUT_MS) {
      this.#timer = setTimeout(fire, Math.max(0, left))
      return
    }
    this.#timer = setTimeout(() => this.#arm(dueAt, fire), MAX_TIMEOUT_MS)
  }

  clear(): void {
    clearTimeout(this.#timer)
  }
}
