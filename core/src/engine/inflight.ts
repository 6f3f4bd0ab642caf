/** Counts requests in flight so shutdown can wait for them. */
export class Inflight {
  #count = 0
  #waiters: (() => void)[] = []

  get count(): number {
    return this.#count
  }

  /** Call the returned function once when the request is over. */
  begin(): () => void {
    this.#count++
    let ended = false
    return () => {
      if (ended) return
      ended = true
      this.#count--
      if (this.#count === 0) for (const resolve of this.#waiters.splice(0)) resolve()
    }
  }

  /** Resolves true when nothing is in flight, false if `timeoutMs` passes first. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.#count === 0) return Promise.resolve(true)
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== done)
        resolve(false)
      }, timeoutMs)
      const done = () => {
        clearTimeout(timer)
        resolve(true)
      }
      this.#waiters.push(done)
    })
  }
}
