import type { GatewayContext, RequestRecord } from '@sluice/sdk'
import type { Ledger } from './ledger.js'
import { toNano } from './ledger.js'
import { settlementAdds } from './limits.js'
import type { GovernanceOptions } from './options.js'
import type { Renewals } from './renewals.js'

/**
 * The postLog hook: the request's reservation is released and its real cost (from the
 * upstream's usage, or the gateway's count when the upstream gave none) and tokens are charged to
 * every level. A cache hit or a failure that produced nothing costs nothing.
 */
export function createSettlement(ledger: Ledger, options: GovernanceOptions, clock: () => number, renewals: Renewals) {
  return async (ctx: GatewayContext, record: RequestRecord): Promise<void> => {
    const admitted = ctx.meta.governance
    if (!admitted) return
    renewals.stop(admitted.reservationId)
    let costUsd = 0
    let tokens = 0
    if (record.usage && !record.shortCircuited) {
      const { prompt_tokens: input = 0, completion_tokens: output = 0 } = record.usage
      tokens = record.usage.total_tokens || input + output
      costUsd = record.costUsd ?? (input * options.fallbackPrice.input + output * options.fallbackPrice.output) / 1e6
    }
    const now = clock()
    await ledger.settle({
      now,
      reservationId: admitted.reservationId,
      owners: admitted.owners.map((o) => o.ref),
      amountNano: admitted.amountNano,
      adds: settlementAdds(admitted.owners, now, toNano(costUsd), tokens),
    })
  }
}
