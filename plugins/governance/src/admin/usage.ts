import type { Ledger } from '../ledger.js'
import { toUsd } from '../ledger.js'
import { budgetCounter, rateCounter, totals } from '../limits.js'
import type { Owner } from '../limits.js'

const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : null)

/** Spend, requests and tokens of one owner, each budget with what is left, each rate-limit window. */
export async function usageOf(ledger: Ledger, owner: Owner, now: number) {
  const { budgets, rateLimits } = owner.entity
  const t = totals(owner)
  const budgetCounters = budgets.map((b) => budgetCounter(owner, b, now))
  const rateCounters = rateLimits.map((r) => ({ rq: rateCounter(owner, r, 'rq', now), tk: rateCounter(owner, r, 'tk', now) }))
  const names = [t.spent, t.requests, t.tokens, ...budgetCounters.map((b) => b.counter), ...rateCounters.flatMap((r) => [r.rq.counter, r.tk.counter])]
  const { counters, reserved } = await ledger.read(names, [owner.ref])
  const [spent, requests, tokens] = counters
  const reservedUsd = toUsd(reserved[0])
  return {
    spentUsd: toUsd(spent),
    requests,
    tokens,
    reservedUsd,
    budgets: budgets.map((b, i) => {
      const spentUsd = toUsd(counters[3 + i])
      return { ...b, spentUsd, remainingUsd: Math.max(0, b.limitUsd - spentUsd - reservedUsd), resetsAt: iso(budgetCounters[i].resetAt) }
    }),
    rateLimits: rateLimits.map((r, i) => {
      const base = 3 + budgets.length + i * 2
      return {
        window: r.window,
        ...(r.requests !== undefined ? { requests: { limit: r.requests, used: counters[base], remaining: Math.max(0, r.requests - counters[base]) } } : {}),
        ...(r.tokens !== undefined ? { tokens: { limit: r.tokens, used: counters[base + 1], remaining: Math.max(0, r.tokens - counters[base + 1]) } } : {}),
        resetsAt: iso(rateCounters[i].rq.resetAt),
      }
    }),
  }
}
