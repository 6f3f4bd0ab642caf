/** Calls in flight per provider, with a cap: beyond it a call is refused at once, never queued. */
export class ConcurrencyLimiter {
  readonly #inFlight = new Map<string, number>()

  /** A release function, or undefined when `limit` (> 0) calls are already in flight. */
  tryAcquire(provider: string, limit: number | undefined): (() => void) | undefined {
    const current = this.#inFlight.get(provider) ?? 0
    if (limit && current >= limit) return undefined
    this.#inFlight.set(provider, current + 1)
    let released = false
    return () => {
      if (released) return
      released = true
      this.#inFlight.set(provider, (this.#inFlight.get(provider) ?? 1) - 1)
    }
  }

  inFlight(provider: string): number {
    return this.#inFlight.get(provider) ?? 0
  }
}
