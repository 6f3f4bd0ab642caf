interface Flight<T> {
  promise: Promise<T | undefined>
  resolve(value: T | undefined): void
}

/**
 * At most one request per key goes upstream within a node: the first becomes the leader, the
 * others wait for what it stores (or for `undefined` when it failed or its answer could not be
 * cached), each up to a timeout after which it goes upstream itself.
 */
export class SingleFlight<T> {
  readonly #flights = new Map<string, Flight<T>>()

  /** The leader's result, when a request for this key is in flight. */
  pending(key: string): Promise<T | undefined> | undefined {
    return this.#flights.get(key)?.promise
  }

  /** Leads the key: the returned function hands the result to the waiting requests (only the first call counts). */
  lead(key: string): (value: T | undefined) => void {
    let resolve!: (value: T | undefined) => void
    const promise = new Promise<T | undefined>((r) => (resolve = r))
    this.#flights.set(key, { promise, resolve })
    let released = false
    return (value) => {
      if (released) return
      released = true
      if (this.#flights.get(key)?.promise === promise) this.#flights.delete(key)
      resolve(value)
    }
  }

  get size(): number {
    return this.#flights.size
  }
}

/** Resolves with the value, or `undefined` after `ms` or when `signal` aborts. */
export function within<T>(promise: Promise<T | undefined>, ms: number, signal: AbortSignal): Promise<T | undefined> {
  if (ms <= 0 || signal.aborted) return Promise.resolve(undefined)
  return new Promise((resolve) => {
    const done = (value: T | undefined) => {
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
      resolve(value)
    }
    const onAbort = () => done(undefined)
    const timer = setTimeout(done, ms, undefined)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(done, () => done(undefined))
  })
}
