import type { AdmitInput, AdmitResult, CounterAdd, Ledger, RenewInput, SettleInput } from './ledger.js'

/** Where the embedded ledger writes its counters behind (SQLite), or nothing (`memory:`). */
export interface CounterPersistence {
  load(now: number): Iterable<[counter: string, value: number, expireAt: number]>
  save(rows: [counter: string, value: number, expireAt: number][], now: number): void
  close(): void
}

interface Held {
  owners: string[]
  amount: number
  expiresAt: number
}

/**
 * One process's ledger: counters in memory (the hot path never waits for a disk), written
 * behind every `flushIntervalMs` and on close, so a crash loses at most that much and a graceful
 * stop nothing. Reservations live in memory only (they die with the process, as its requests do).
 */
export class MemoryLedger implements Ledger {
  readonly #values = new Map<string, number>()
  readonly #expiry = new Map<string, number>()
  readonly #dirty = new Set<string>()
  readonly #reserved = new Map<string, number>()
  readonly #held = new Map<string, Held>()
  readonly #persistence: CounterPersistence | undefined
  readonly #timer: NodeJS.Timeout | undefined
  readonly #clock: () => number

  constructor(persistence: CounterPersistence | undefined, flushIntervalMs: number, clock: () => number) {
    this.#persistence = persistence
    this.#clock = clock
    if (persistence) {
      for (const [counter, value, expireAt] of persistence.load(clock())) {
        this.#values.set(counter, value)
        this.#expiry.set(counter, expireAt)
      }
      this.#timer = setInterval(() => this.flush(), flushIntervalMs)
      this.#timer.unref()
    }
  }

  admit(input: AdmitInput): AdmitResult {
    this.#expire(input.now)
    const { checks } = input
    for (const [c, check] of checks.entries()) {
      for (const [i, r] of check.requests.entries()) if (this.#get(r.counter) + 1 > r.limit) return { ok: false, kind: 'requests', check: c, index: i, resetAt: r.resetAt }
      for (const [i, t] of check.tokens.entries()) if (this.#get(t.counter) >= t.limit) return { ok: false, kind: 'tokens', check: c, index: i, resetAt: t.resetAt }
      const reserved = this.#reserved.get(check.owner) ?? 0
      for (const [i, b] of check.budgets.entries()) if (this.#get(b.counter) + reserved >= b.limitNano) return { ok: false, kind: 'budget', check: c, index: i, resetAt: b.resetAt }
    }
    for (const check of checks) {
      for (const r of check.requests) this.#add({ counter: r.counter, by: 1, expireAt: r.resetAt })
      if (input.amountNano > 0) this.#reserved.set(check.owner, (this.#reserved.get(check.owner) ?? 0) + input.amountNano)
    }
    if (input.amountNano > 0) this.#held.set(input.reservationId, { owners: checks.map((c) => c.owner), amount: input.amountNano, expiresAt: input.expiresAt })
    return {
      ok: true,
      remaining: {
        budgets: checks.map((check) => check.budgets.map((b) => b.limitNano - this.#get(b.counter) - (this.#reserved.get(check.owner) ?? 0))),
        requests: checks.map((check) => check.requests.map((r) => r.limit - this.#get(r.counter))),
        tokens: checks.map((check) => check.tokens.map((t) => t.limit - this.#get(t.counter))),
      },
    }
  }

  renew(input: RenewInput): void {
    const held = this.#held.get(input.reservationId)
    if (held) held.expiresAt = input.expiresAt
  }

  settle(input: SettleInput): void {
    this.#release(input.reservationId)
    for (const add of input.adds) this.#add(add)
  }

  async read(counters: string[], owners: string[]): Promise<{ counters: number[]; reserved: number[] }> {
    this.#expire(this.#clock())
    return { counters: counters.map((c) => this.#get(c)), reserved: owners.map((o) => this.#reserved.get(o) ?? 0) }
  }

  /** Writes changed counters to the persistence (synchronous: SQLite in WAL mode is fast enough). */
  flush(): void {
    if (!this.#persistence || this.#dirty.size === 0) return
    const rows: [string, number, number][] = []
    for (const counter of this.#dirty) rows.push([counter, this.#values.get(counter) ?? 0, this.#expiry.get(counter) ?? Number.POSITIVE_INFINITY])
    this.#dirty.clear()
    this.#persistence.save(rows, this.#clock())
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer)
    this.flush()
    this.#persistence?.close()
  }

  #get(counter: string): number {
    return this.#values.get(counter) ?? 0
  }

  #add({ counter, by, expireAt }: CounterAdd): void {
    this.#values.set(counter, (this.#values.get(counter) ?? 0) + by)
    this.#expiry.set(counter, expireAt)
    this.#dirty.add(counter)
  }

  #release(id: string): void {
    const held = this.#held.get(id)
    if (!held) return
    this.#held.delete(id)
    for (const owner of held.owners) {
      const left = (this.#reserved.get(owner) ?? 0) - held.amount
      if (left > 0) this.#reserved.set(owner, left)
      else this.#reserved.delete(owner)
    }
  }

  #lastSweep = 0

  /** Drops counters whose window ended and reservations nobody settled; at most once a second. */
  #expire(now: number): void {
    if (now - this.#lastSweep < 1000) return
    this.#lastSweep = now
    for (const [counter, expireAt] of this.#expiry)
      if (expireAt <= now) {
        this.#expiry.delete(counter)
        this.#values.delete(counter)
        this.#dirty.delete(counter)
      }
    for (const [id, held] of this.#held) if (held.expiresAt <= now) this.#release(id)
  }
}
