import type { GatewayContext, RequestRecord } from '@sluice/sdk'
import type { Ledger } from './ledger.js'
import { toNano, toUsd } from './ledger.js'
import { settlementAdds } from './limits.js'
import type { GovernanceOptions } from './options.js'
import type { Renewals } from './renewals.js'
import type { SettleRetries } from './settle-retries.js'

/**
 * The postLog hook: the request's reservation is released and its real cost (from the
 * upstream's usage, or the gateway's count when the upstream gave none) and tokens are charged to
 * every level. A cache hit or a failure that produced nothing costs nothing. A settlement the
 * store refuses is retried until it is taken (the failure is still reported, as a postLog error).
 */
export function createSettlement(ledger: Ledger, options: GovernanceOptions, clock: () => number, renewals: Renewals, retries: SettleRetries) {
  return async (ctx: GatewayContext, record: RequestRecord): Promise<void> => {
    const admitted = ctx.meta.governance
    if (!admitted) return
    renewals.stop(admitted.reservationId)
    let costUsd = 0
    let tokens = 0
    if (record.usage && !record.shortCircuited) {
      const input = count(record.usage.prompt_tokens)
      const output = count(record.usage.completion_tokens)
      tokens = count(record.usage.total_tokens) || input + output
      const priced = record.costUsd
      costUsd = typeof priced === 'number' && Number.isFinite(priced) && priced >= 0 ? priced : (input * options.fallbackPrice.input + output * options.fallbackPrice.output) / 1e6
    }
    const now = clock()
    const settlement = {
      now,
      reservationId: admitted.reservationId,
      owners: admitted.owners.map((o) => o.ref),
      amountNano: admitted.amountNano,
      adds: settlementAdds(admitted.owners, now, toNano(costUsd), tokens),
    }
    try {
      // Behind earlier ones still waiting: settlements reach the store in order.
      if (retries.pending) retries.add(settlement, costUsd)
      else await ledger.settle(settlement)
    } catch (error) {
      retries.add(settlement, costUsd)
      throw error
    }
    // What admission reported left still counted this request's worst case: metrics (which run
    // after the other postLog hooks) get what is left once its real cost replaced it.
    const released = toUsd(admitted.amountNano) - costUsd
    if (ctx.meta.budgets) for (const b of ctx.meta.budgets) b.remainingUsd = Math.max(0, b.remainingUsd + released)
  }
}

/**
 * A token count from an upstream's usage as a whole number: counters must stay integers (Redis
 * INCRBY refuses anything else, and a string would be concatenated in memory). Numeric strings,
 * which some OpenAI-compatible servers send, count; anything else is 0.
 */
function count(value: unknown): number {
  const n = typeof value === 'string' && value.trim() ? Number(value) : value
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.ceil(n) : 0
}
