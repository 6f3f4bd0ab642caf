import { expect, it } from 'vitest'
import type { GatewayContext, RequestRecord } from '@sluice/sdk'
import { MemoryLedger } from './ledger-memory.js'
import { optionsSchema } from './options.js'
import { Renewals } from './renewals.js'
import { SettleRetries } from './settle-retries.js'
import { createSettlement } from './settlement.js'
import { totals } from './limits.js'
import type { Owner } from './limits.js'

const silent = { debug() {}, info() {}, warn() {}, error() {} }
const owner: Owner = { kind: 'key', ref: 'key:k', entity: { id: 'k', name: 'k', budgets: [], rateLimits: [{ window: 'hour', tokens: 1000 }] } as never }

async function settled(usage: Record<string, unknown>, costUsd?: number) {
  const ledger = new MemoryLedger(undefined, 250, () => 0)
  const options = optionsSchema.parse({})
  const settle = createSettlement(ledger, options, () => 0, new Renewals(ledger, options.reservationTtlMs, () => 0, silent), new SettleRetries(ledger, silent))
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

it('keeps a settlement the store refused and retries it, in order, until the store takes it', async () => {
  const taken: string[] = []
  let failures = 3
  const flaky = { settle: async (input: { reservationId: string }) => {
    if (failures-- > 0) throw new Error('Connection is closed.')
    taken.push(input.reservationId)
  } } as unknown as MemoryLedger
  const options = optionsSchema.parse({})
  const retries = new SettleRetries(flaky, silent, 5)
  const settle = createSettlement(flaky, options, () => 0, new Renewals(flaky, options.reservationTtlMs, () => 0, silent), retries)
  const request = (id: string) => settle({ meta: { governance: { owners: [owner], reservationId: id, amountNano: 0 } } } as unknown as GatewayContext, { usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 }, shortCircuited: false } as unknown as RequestRecord)
  await expect(request('r1')).rejects.toThrow(/closed/)
  // Queued behind r1, not sent ahead of it.
  await request('r2')
  await expect.poll(() => taken, { timeout: 5000 }).toEqual(['r1', 'r2'])
  expect(retries.pending).toBe(0)
})

it('says what it could not settle at shutdown', async () => {
  const errors: unknown[][] = []
  const down = { settle: async () => { throw new Error('ECONNREFUSED') } } as unknown as MemoryLedger
  const retries = new SettleRetries(down, { ...silent, error: (...args: unknown[]) => void errors.push(args) }, 60_000)
  retries.add({ now: 0, reservationId: 'r', owners: [], amountNano: 0, adds: [] }, 0.25)
  await retries.close()
  expect(errors).toEqual([['governance: settlements lost at shutdown (the store was away)', { count: 1, usd: 0.25 }]])
})

it('drops a settlement the store refuses for good, and settles the ones behind it', async () => {
  const taken: string[] = []
  const errors: unknown[][] = []
  const refusing = { settle: async (input: { reservationId: string }) => {
    if (input.reservationId === 'poison') throw Object.assign(new Error('ERR user_script: bad argument'), { name: 'ReplyError' })
    taken.push(input.reservationId)
  } } as unknown as MemoryLedger
  const retries = new SettleRetries(refusing, { ...silent, error: (...args: unknown[]) => void errors.push(args) }, 5)
  for (const id of ['poison', 'after']) retries.add({ now: 0, reservationId: id, owners: [], amountNano: 0, adds: [] }, 0)
  await expect.poll(() => taken).toEqual(['after'])
  expect(errors.map((e) => e[0])).toEqual(['governance: the store refused a settlement; dropped'])
})

it('waits at shutdown for a retry under way instead of calling its settlements lost', async () => {
  let release!: () => void
  const slow = { settle: () => new Promise<void>((resolve) => (release = resolve)) } as unknown as MemoryLedger
  const errors: unknown[][] = []
  const retries = new SettleRetries(slow, { ...silent, error: (...args: unknown[]) => void errors.push(args) }, 60_000)
  retries.add({ now: 0, reservationId: 'r', owners: [], amountNano: 0, adds: [] }, 0.1)
  const flushing = retries.flush()
  const closing = retries.close()
  release()
  await Promise.all([flushing, closing])
  expect(retries.pending).toBe(0)
  expect(errors).toEqual([])
})
