import { GatewayError } from '@sluice/sdk'
import type { Owner } from './limits.js'
import type { Budget, RateLimit } from './options.js'

export const missingKey = () =>
  new GatewayError(401, 'caller_unauthorized', 'Missing API key: send a Sluice virtual key as `Authorization: Bearer …`, `x-api-key`, `x-goog-api-key` or `x-sluice-key`', { code: 'missing_api_key' })

export const invalidKey = () => new GatewayError(401, 'caller_unauthorized', 'Invalid API key', { code: 'invalid_api_key' })

export const inactiveKey = (name: string) => new GatewayError(401, 'caller_unauthorized', `The key "${name}" is disabled`, { code: 'key_disabled' })

export const expiredKey = (name: string, at: string) => new GatewayError(401, 'caller_unauthorized', `The key "${name}" expired at ${at}`, { code: 'key_expired' })

export const notAllowedMessage = (name: string, model: string) => `The key "${name}" may not use the model "${model}" (or no provider it is allowed to use serves it)`

export const notAllowed = (name: string, model: string) => new GatewayError(403, 'policy_model_not_allowed', notAllowedMessage(name, model), { param: 'model', code: 'model_not_allowed' })

const label = (owner: Owner) => `${owner.kind} "${owner.entity.name ?? owner.entity.id}"`

export function budgetExhausted(owner: Owner, budget: Budget, resetAt: number): GatewayError {
  const per = budget.period === 'total' ? 'in total' : `per ${budget.period}`
  const reset = Number.isFinite(resetAt) ? `; it resets at ${new Date(resetAt).toISOString()}` : ''
  return new GatewayError(402, 'policy_budget_exceeded', `Budget exhausted: ${label(owner)} has used its ${budget.limitUsd} USD ${per}${reset}`, {
    code: 'budget_exceeded',
    headers: { 'x-sluice-budget-level': owner.kind, ...(Number.isFinite(resetAt) ? { 'x-sluice-budget-reset': new Date(resetAt).toISOString() } : {}) },
  })
}

export function rateLimited(owner: Owner, limit: RateLimit, what: 'requests' | 'tokens', resetAt: number, now: number): GatewayError {
  const waitMs = Math.max(0, resetAt - now)
  const seconds = Math.max(1, Math.ceil(waitMs / 1000))
  const count = what === 'requests' ? limit.requests : limit.tokens
  return new GatewayError(429, 'policy_rate_limited', `Rate limit reached: ${label(owner)} allows ${count} ${what} per ${limit.window}; retry in ${seconds} s`, {
    code: `rate_limit_${what}`,
    headers: {
      'retry-after': String(seconds),
      [`x-ratelimit-limit-${what}`]: String(count),
      [`x-ratelimit-remaining-${what}`]: '0',
      [`x-ratelimit-reset-${what}`]: duration(waitMs),
      'x-sluice-ratelimit-level': owner.kind,
    },
  })
}

/** OpenAI's reset format: `1s`, `6m0s`, `1h2m3s`. */
export function duration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  return h ? `${h}h${m}m${s}s` : m ? `${m}m${s}s` : `${s}s`
}

/** Budgets fail closed: no store, no spending. The cause is logged by the caller's record, not shown. */
export function storeDown(cause: unknown): never {
  throw new GatewayError(503, 'gateway_unavailable', 'The budget and rate-limit store is unreachable; try again shortly', { cause, headers: { 'retry-after': '1' } })
}
