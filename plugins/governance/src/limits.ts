import type { OwnerCheck, CounterAdd } from './ledger.js'
import { toNano } from './ledger.js'
import { entityRef } from './model.js'
import type { Customer, EntityKind, Team, VirtualKey } from './model.js'
import type { Budget, RateLimit } from './options.js'
import type { Registry } from './registry.js'
import { budgetWindow, rateWindow } from './windows.js'

/** A key, its team and its customer: every level a request is checked against and charged to. */
export interface Owner {
  kind: EntityKind
  entity: VirtualKey | Team | Customer
  ref: string
}

export function ownersOf(registry: Registry, key: VirtualKey): Owner[] {
  const owners: Owner[] = [{ kind: 'key', entity: key, ref: entityRef('key', key.id) }]
  const team = key.team ? registry.get('team', key.team) : undefined
  if (team) owners.push({ kind: 'team', entity: team, ref: entityRef('team', team.id) })
  const customerId = key.customer ?? team?.customer
  const customer = customerId ? registry.get('customer', customerId) : undefined
  if (customer) owners.push({ kind: 'customer', entity: customer, ref: entityRef('customer', customer.id) })
  return owners
}

export const hasLimits = (owner: Owner): boolean => owner.entity.budgets.length > 0 || owner.entity.rateLimits.length > 0

const anchorOf = (owner: Owner) => Date.parse(owner.entity.createdAt) || 0

export function budgetCounter(owner: Owner, budget: Budget, now: number): { counter: string; resetAt: number } {
  const w = budgetWindow(budget, anchorOf(owner), now)
  return { counter: `${owner.ref}|b|${budget.period}|${budget.reset}|${w.start}`, resetAt: w.end }
}

export function rateCounter(owner: Owner, limit: RateLimit, what: 'rq' | 'tk', now: number): { counter: string; resetAt: number } {
  const w = rateWindow(limit.window, now)
  return { counter: `${owner.ref}|${what}|${limit.window}|${w.start}`, resetAt: w.end }
}

/** Lifetime totals per owner, for usage reports. */
export const totals = (owner: Owner) => ({ spent: `${owner.ref}|spent`, requests: `${owner.ref}|requests`, tokens: `${owner.ref}|tokens` })

export function checkOf(owner: Owner, now: number): OwnerCheck {
  const { budgets, rateLimits } = owner.entity
  return {
    owner: owner.ref,
    budgets: budgets.map((b) => ({ ...budgetCounter(owner, b, now), limitNano: toNano(b.limitUsd) })),
    requests: rateLimits.filter((r) => r.requests !== undefined).map((r) => ({ ...rateCounter(owner, r, 'rq', now), limit: r.requests! })),
    tokens: rateLimits.filter((r) => r.tokens !== undefined).map((r) => ({ ...rateCounter(owner, r, 'tk', now), limit: r.tokens! })),
  }
}

/** What a finished request adds: its cost to every budget window and total, its tokens to token limits. */
export function settlementAdds(owners: Owner[], now: number, costNano: number, tokens: number): CounterAdd[] {
  const adds = new Map<string, CounterAdd>()
  const add = (counter: string, by: number, expireAt: number) => {
    if (by <= 0 || adds.has(counter)) return
    adds.set(counter, { counter, by, expireAt })
  }
  for (const owner of owners) {
    const t = totals(owner)
    add(t.spent, costNano, Number.POSITIVE_INFINITY)
    add(t.tokens, tokens, Number.POSITIVE_INFINITY)
    add(t.requests, 1, Number.POSITIVE_INFINITY)
    for (const b of owner.entity.budgets) {
      const { counter, resetAt } = budgetCounter(owner, b, now)
      add(counter, costNano, resetAt)
    }
    for (const r of owner.entity.rateLimits)
      if (r.tokens !== undefined) {
        const { counter, resetAt } = rateCounter(owner, r, 'tk', now)
        add(counter, tokens, resetAt)
      }
  }
  return [...adds.values()]
}
