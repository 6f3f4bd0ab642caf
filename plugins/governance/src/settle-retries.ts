import type { Logger } from '@sluice/sdk'
import type { Ledger, SettleInput } from './ledger.js'

const FIRST_DELAY_MS = 1000
const MAX_DELAY_MS = 30_000
const MAX_PENDING = 10_000

/**
 * Settlements the store refused (Redis away for a moment): kept in order and retried with
 * backoff until it takes them, so a request's cost is not lost to a blip. On shutdown a last
 * attempt; what still fails is logged with its amount. Bounded: past MAX_PENDING new ones are
 * dropped and counted (a store that stays away must not exhaust memory).
 */
export class SettleRetries {
  readonly #ledger: Ledger
  readonly #log: Logger
  readonly #firstDelayMs: number
  #pending: { input: SettleInput; usd: number }[] = []
  #delay: number
  #timer: NodeJS.Timeout | undefined
  #running: Promise<boolean> | undefined
  dropped = 0

  constructor(ledger: Ledger, log: Logger, firstDelayMs = FIRST_DELAY_MS) {
    this.#ledger = ledger
    this.#log = log
    this.#firstDelayMs = firstDelayMs
    this.#delay = firstDelayMs
  }

  get pending(): number {
    return this.#pending.length
  }

  /** `usd`: what the request cost, for the log if it is lost. */
  add(input: SettleInput, usd: number): void {
    if (this.#pending.length >= MAX_PENDING) {
      if (this.dropped++ % 1000 === 0) this.#log.error('governance: settlements dropped, the store has been away too long', { dropped: this.dropped })
      return
    }
    this.#pending.push({ input, usd })
    this.#schedule()
  }

  /**
   * Tries every pending settlement now, in order; stops at the first failure the store may get
   * over (a connection). One it refuses for good (Redis answered with an error) is logged and
   * dropped, so it cannot hold up the ones behind it.
   */
  flush(): Promise<boolean> {
    this.#running ??= this.#drain().finally(() => (this.#running = undefined))
    return this.#running
  }

  async #drain(): Promise<boolean> {
    while (this.#pending.length) {
      const head = this.#pending[0]
      try {
        await this.#ledger.settle(head.input)
      } catch (error) {
        if (!isRefusal(error)) {
          this.#delay = Math.min(this.#delay * 2, MAX_DELAY_MS)
          return false
        }
        this.#log.error('governance: the store refused a settlement; dropped', { error: (error as Error).message, usd: head.usd })
      }
      this.#pending.shift()
    }
    this.#delay = this.#firstDelayMs
    return true
  }

  async close(): Promise<void> {
    clearTimeout(this.#timer)
    this.#timer = undefined
    // A retry under way finishes first; then one last try for what is left.
    if (this.#running) await this.#running
    if (this.#pending.length && !(await this.flush())) {
      const usd = this.#pending.reduce((sum, p) => sum + p.usd, 0)
      this.#log.error('governance: settlements lost at shutdown (the store was away)', { count: this.#pending.length, usd })
    }
  }

  #schedule(): void {
    if (this.#timer) return
    this.#timer = setTimeout(async () => {
      this.#timer = undefined
      if (!(await this.flush()) && this.#pending.length) this.#schedule()
    }, this.#delay)
    this.#timer.unref()
  }
}

/** Redis answered with an error (a script or type error): retrying the same call cannot succeed. */
function isRefusal(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError'
}
