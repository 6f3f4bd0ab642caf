/**
 * The counters behind budgets and rate limits. Money is counted in integer nano-USD (1e-9), so
 * sums are exact in SQLite, in Redis (INCRBY) and in JS numbers (up to ~9 million USD per window).
 */

/** One owner's limits as they apply at this moment (windows already resolved). */
export interface OwnerCheck {
  /** `key:vk_…`, `team:…`, `customer:…`. */
  owner: string
  budgets: { counter: string; limitNano: number; resetAt: number }[]
  requests: { counter: string; limit: number; resetAt: number }[]
  tokens: { counter: string; limit: number; resetAt: number }[]
}

export interface AdmitInput {
  now: number
  checks: OwnerCheck[]
  /** The worst-case cost reserved on every owner until settlement. */
  amountNano: number
  reservationId: string
  /** When an unsettled reservation is released anyway (its node died). */
  expiresAt: number
}

export interface Remaining {
  /** Per check, per budget: what is left (limit - spent - reserved, this reservation included). */
  budgets: number[][]
  requests: number[][]
  tokens: number[][]
}

export type AdmitResult =
  | { ok: true; remaining: Remaining }
  | { ok: false; kind: 'budget' | 'requests' | 'tokens'; check: number; index: number; resetAt: number }

/** Adds to a counter that lives until `expireAt` (epoch ms; Infinity for ever). */
export interface CounterAdd {
  counter: string
  by: number
  expireAt: number
}

export interface SettleInput {
  now: number
  reservationId: string
  owners: string[]
  amountNano: number
  adds: CounterAdd[]
}

export interface RenewInput {
  reservationId: string
  owners: string[]
  expiresAt: number
}

export interface Ledger {
  /** Checks every limit and, when all pass, counts the request and reserves the amount: atomically. */
  admit(input: AdmitInput): AdmitResult | Promise<AdmitResult>
  /** Moves a held reservation's expiry (its request is still running); one already released stays released. */
  renew(input: RenewInput): void | Promise<void>
  /**
   * Releases the reservation (if it is still held) and adds the actual cost and tokens. A
   * settlement that failed may be retried: a reservation is settled once (shared ledgers remember
   * it for a day), so a retry after a lost reply does not charge twice.
   */
  settle(input: SettleInput): void | Promise<void>
  /** Current values of counters (0 when absent) and the reserved total of owners. */
  read(counters: string[], owners: string[]): Promise<{ counters: number[]; reserved: number[] }>
  /** Writes everything pending (embedded) and lets go of connections. */
  close(): Promise<void>
}

export const NANO = 1e9
export const toNano = (usd: number): number => Math.ceil(usd * NANO)
export const toUsd = (nano: number): number => nano / NANO
