import { expect, it } from 'vitest'
import type { GatewayContext, RequestRecord } from '@sluice/sdk'
import { MemoryLedger } from './ledger-memory.js'
import { optionsSchema } from './options.js'
import { Renewals } from './renewals.js'
import { createSettlement } from './settlement.js'
import { totals } from './limits.js'
import type { Owner } from './limits.js'

const silent = { debug() {}, info() {}, warn() {}, error() {} }
const owner: Owner = { kind: 'key', ref: 'key:k', entity: { id: 'k', name: 'k', budgets: [], rateLimits: [{ window: 'hour', tokens: 1000 }] } as never }

async function settled(usage: Record<string, unknown>, costUsd?: number) {
  const ledger = new MemoryLedger(undefined, 250, () => 0)
  const options = optionsSchema.parse({})
  const settle = createSettlement(ledger, options, () => 0, new Renewals(ledger, options.reservationTtlMs, () => 0, silent))
  const ctx = { meta: { governance: { owners: [owner], reservationId: 'r', amountNano: 0 } } } as unknown as GatewayContext
  await settle(ctx, { usage, costUsd, shortCircuited: false } as unknown as RequestRecord)
  const t = totals(owner)
  const { counters } = await ledger.read([t.spent, t.tokens], [])
  return { spentNano: counters[0], tokens: counters[1] }
}

it('charges numbers only, whatever an upstream put in its usage', async () => {
  // An OpenAI-compatible server reporting counts as strings, or nothing usable.
  const strings = await settled({ prompt_tokens: '10', completion_tokens: '5', total_tokens: '15' })
  expect(strings.tokens).toBe(15)
  expect(strings.spentNano).toBe(((10 * 10 + 5 * 30) / 1e6) * 1e9)
  const junk = await settled({ prompt_tokens: 10, completion_tokens: 5, total_tokens: Number.NaN }, Number.NaN)
  expect(junk.tokens).toBe(15)
  expect(Number.isFinite(junk.spentNano)).toBe(true)
  expect(junk.spentNano).toBeGreaterThan(0)
})
