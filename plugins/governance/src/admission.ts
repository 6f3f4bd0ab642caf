import { randomUUID } from 'node:crypto'
import type { GatewayContext, ModelsHook, SetupContext, Target, TargetRule } from '@sluice/sdk'
import type { Ledger } from './ledger.js'
import { toNano, toUsd } from './ledger.js'
import { checkOf, hasLimits, ownersOf } from './limits.js'
import type { Owner } from './limits.js'
import { hashSecret, patternMatcher } from './model.js'
import type { VirtualKey } from './model.js'
import type { GovernanceOptions } from './options.js'
import type { Registry } from './registry.js'
import type { Renewals } from './renewals.js'
import { budgetExhausted, duration, storeDown, expiredKey, inactiveKey, invalidKey, missingKey, notAllowed, notAllowedMessage, rateLimited } from './refusals.js'

/** What admission leaves on the request for settlement. */
export interface Admitted {
  owners: Owner[]
  reservationId: string
  amountNano: number
}

declare module '@sluice/sdk' {
  interface SluiceMeta {
    /** Set by @sluice/governance: the owners this request is charged to and what it reserved. */
    governance?: Admitted
  }
}

export interface AdmissionDeps {
  registry: Registry
  ledger: Ledger
  options: GovernanceOptions
  cost: SetupContext['cost']
  clock: () => number
  renewals: Renewals
}

// A cheap upper bound on prompt tokens (a tokenizer costs ~130 µs per 2 KB): BPE tokens of
// English, code and CJK text run 3+ UTF-8 bytes each; settlement charges the real count.
const BYTES_PER_TOKEN = 3
const PER_TEXT_OVERHEAD = 4

/**
 * The policy hook: who is calling (virtual key), may they use this model, and do the request,
 * token and budget limits of the key, its team and its customer all allow one more request?
 * Admission reserves the request's worst-case cost on every level (one Redis round trip, or
 * none on the embedded store); settlement replaces it with the real cost.
 */
export function createAdmission(deps: AdmissionDeps): { policy: (ctx: GatewayContext) => void | Promise<void>; models: ModelsHook } {
  const { registry, options, clock } = deps
  const rules = new WeakMap<VirtualKey, { rule: TargetRule | undefined }>()
  const prices = new Map<string, { input: number; output: number }>()

  const priceOf = (t: Target) => {
    const id = `${t.provider}\u0000${t.model}`
    let price = prices.get(id)
    if (!price) {
      const input = deps.cost(t.provider, t.model, { prompt_tokens: 1e6, completion_tokens: 0, total_tokens: 1e6 })
      const output = deps.cost(t.provider, t.model, { prompt_tokens: 0, completion_tokens: 1e6, total_tokens: 1e6 })
      price = input === undefined && output === undefined ? options.fallbackPrice : { input: input ?? 0, output: output ?? 0 }
      if (prices.size > 10_000) prices.clear()
      prices.set(id, price)
    }
    return price
  }

  /**
   * Where the key may go (undefined: anywhere): providers by pattern; models by the name the
   * client used (a route alias) or by any target's model or `provider/model`; provider keys.
   */
  const ruleOf = (key: VirtualKey): TargetRule | undefined => {
    let cached = rules.get(key)
    if (!cached) {
      const models = patternMatcher(key.models)
      const providers = patternMatcher(key.providers)
      const keys = key.providerKeys.length ? key.providerKeys : undefined
      const allow = (t: Target, requested: string) => (!providers || providers(t.provider)) && (!models || models(requested) || models(t.model) || models(`${t.provider}/${t.model}`))
      cached = { rule: models || providers || keys ? { allow, keys } : undefined }
      rules.set(key, cached)
    }
    return cached.rule
  }

  /** The caller's key, or why it may not call (thrown); undefined when keys are optional and none came. */
  const keyOf = (secret: string | undefined): VirtualKey | undefined | Promise<VirtualKey> => {
    if (!secret) {
      if (options.requireKey) throw missingKey()
      return undefined
    }
    const hash = hashSecret(secret)
    const known = registry.keyByHashNow(hash)
    if (known) return usable(known)
    return registry.keyByHash(hash).catch(storeDown).then((key) => {
      if (!key) throw invalidKey()
      return usable(key)
    })
  }

  const usable = (key: VirtualKey): VirtualKey => {
    if (!key.active) throw inactiveKey(key.name)
    if (key.expiresAt && Date.parse(key.expiresAt) <= clock()) throw expiredKey(key.name, key.expiresAt)
    return key
  }

  const admitKey = async (ctx: GatewayContext, key: VirtualKey): Promise<void> => {
    const now = clock()
    const owners = ownersOf(registry, key)
    ctx.authenticate({ id: key.id, name: key.name, team: key.team, customer: owners.find((o) => o.kind === 'customer')?.entity.id, by: '@sluice/governance' })

    const rule = ruleOf(key)
    let candidates: Target[] | undefined
    if (rule) {
      const requested = ctx.request.model
      ctx.restrict({ ...rule, reason: notAllowedMessage(key.name, requested) })
      candidates = ctx.candidates()
      if (candidates.length === 0) throw notAllowed(key.name, requested)
    }
    // Ask streams for their usage: the answer is charged from the upstream's own count.
    ctx.request.requireUsage()

    const limited = owners.filter(hasLimits)
    const reservationId = randomUUID()
    let amountNano = 0
    if (limited.some((o) => o.entity.budgets.length > 0)) amountNano = worstCase(ctx, candidates ?? ctx.candidates())
    if (limited.length > 0) {
      const checks = limited.map((o) => checkOf(o, now))
      const result = await Promise.resolve(deps.ledger.admit({ now, checks, amountNano, reservationId, expiresAt: deps.renewals.expiry() })).catch(storeDown)
      if (!result.ok) {
        const owner = limited[result.check]
        if (result.kind === 'budget') throw budgetExhausted(owner, owner.entity.budgets[result.index], result.resetAt)
        const limit = owner.entity.rateLimits.filter((r) => (result.kind === 'requests' ? r.requests : r.tokens) !== undefined)[result.index]
        throw rateLimited(owner, limit, result.kind, result.resetAt, now)
      }
      // Held from here until settlement (postLog runs for every request that got this far).
      ctx.meta.governance = { owners, reservationId, amountNano }
      if (amountNano > 0) deps.renewals.start(reservationId, checks.map((c) => c.owner))
      announce(ctx, limited, checks, result.remaining, now)
    }
    ctx.meta.governance = { owners, reservationId, amountNano }
  }

  /** The most this request can cost: estimated prompt plus its answers' cap, at the dearest target it may reach. */
  const worstCase = (ctx: GatewayContext, candidates: Target[]): number => {
    let promptTokens = 3
    for (const text of ctx.request.texts()) promptTokens += Math.ceil(Buffer.byteLength(text) / BYTES_PER_TOKEN) + PER_TEXT_OVERHEAD
    // Every answer asked for (`n`) may run to the cap.
    const outputTokens = ctx.request.operation === 'chat' ? (ctx.request.maxTokens ?? options.defaultMaxOutputTokens) * ctx.request.choices : 0
    let usd = 0
    for (const target of candidates) {
      const price = priceOf(target)
      usd = Math.max(usd, (promptTokens * price.input + outputTokens * price.output) / 1e6)
    }
    return toNano(usd)
  }

  return {
    policy(ctx) {
      const key = keyOf(ctx.request.credential())
      if (!key) return
      return key instanceof Promise ? key.then((k) => admitKey(ctx, k)) : admitKey(ctx, key)
    },
    // Model lists: the same keys refused the same way; a key sees what its allowlist reaches.
    async models(request) {
      const key = await keyOf(request.credential())
      return key && ruleOf(key)
    },
  }
}

/** Remaining budgets for metrics (`ctx.meta.budgets`) and OpenAI-style rate-limit headers for the client. */
function announce(ctx: GatewayContext, owners: Owner[], checks: ReturnType<typeof checkOf>[], remaining: { budgets: number[][]; requests: number[][]; tokens: number[][] }, now: number): void {
  const budgets: NonNullable<GatewayContext['meta']['budgets']> = []
  for (const [c, owner] of owners.entries()) {
    const left = remaining.budgets[c] ?? []
    if (left.length) budgets.push({ level: owner.kind, id: owner.entity.id, remainingUsd: Math.max(0, toUsd(Math.min(...left))) })
  }
  if (budgets.length) ctx.meta.budgets = budgets
  for (const what of ['requests', 'tokens'] as const) {
    let best: { limit: number; left: number; resetAt: number } | undefined
    for (const [c, check] of checks.entries())
      for (const [i, l] of check[what].entries()) {
        const left = remaining[what][c]?.[i] ?? 0
        if (!best || left < best.left) best = { limit: l.limit, left, resetAt: l.resetAt }
      }
    if (!best) continue
    ctx.setResponseHeader(`x-ratelimit-limit-${what}`, String(best.limit))
    ctx.setResponseHeader(`x-ratelimit-remaining-${what}`, String(Math.max(0, best.left)))
    ctx.setResponseHeader(`x-ratelimit-reset-${what}`, duration(best.resetAt - now))
  }
}
