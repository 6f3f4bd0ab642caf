import type { Logger } from '@sluice/sdk'
import type { Ledger } from './ledger.js'

/**
 * Keeps the reservations of running requests alive. `reservationTtlMs` is there to free what a
 * dead node reserved; a live request (a stream may run for an hour) renews its reservation every
 * third of the TTL until it settles, so its budget is never handed out twice.
 */
export class Renewals {
  readonly #timers = new Map<string, NodeJS.Timeout>()
  readonly #ledger: Ledger
  readonly #ttlMs: number
  readonly #clock: () => number
  readonly #log: Logger

  constructor(ledger: Ledger, ttlMs: number, clock: () => number, log: Logger) {
    this.#ledger = ledger
    this.#ttlMs = ttlMs
    this.#clock = clock
    this.#log = log
  }

  /** The expiry a reservation made now gets. */
  expiry(): number {
    return this.#clock() + this.#ttlMs
  }

  start(reservationId: string, owners: string[]): void {
    const renew = async () => {
      try {
        await this.#ledger.renew({ reservationId, owners, expiresAt: this.expiry() })
      } catch (error) {
        // The next tick tries again; a store that stays away lets the reservation lapse, as a dead node's would.
        this.#log.warn('governance: could not renew a reservation', { error: error instanceof Error ? error.message : String(error) })
      }
    }
    const timer = setInterval(() => void renew(), Math.max(1, Math.floor(this.#ttlMs / 3)))
    timer.unref()
    this.#timers.set(reservationId, timer)
  }

  stop(reservationId: string): void {
    clearInterval(this.#timers.get(reservationId))
    this.#timers.delete(reservationId)
  }

  close(): void {
    for (const timer of this.#timers.values()) clearInterval(timer)
    this.#timers.clear()
  }
}
