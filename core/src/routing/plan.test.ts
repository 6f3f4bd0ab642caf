import { describe, expect, it } from 'vitest'
import { GatewayError, routingSchema, routeSchema } from '@sluice/sdk'
import type { ProviderAdapter } from '@sluice/sdk'
import { Router } from '../router.js'
import { Planner, RouteConfigError } from './plan.js'

const provider = (id: string, models: string[], keyIds: string[] = []): ProviderAdapter =>
  ({ id, kind: 'openai', wireFormat: 'openai', baseURL: 'http://x', keys: keyIds.map((k) => ({ value: `sk-${k}`, weight: 1, id: k })), models, headers: {}, timeoutMs: 1000, auth: () => ({}), error: () => new GatewayError(502, 'provider_error', 'x') }) as ProviderAdapter

const router = new Router([provider('openai', ['gpt-4o'], ['main', 'batch']), provider('azure', ['gpt-4o']), provider('groq', ['llama'])])
const routing = (extra = {}) => routingSchema.parse(extra)

describe('Planner', () => {
  const planner = new Planner(
    router,
    {
      smart: routeSchema.parse({
        targets: [{ provider: 'openai', model: 'gpt-4o', weight: 3, keys: ['main'] }, { provider: 'azure', model: 'gpt-4o' }],
        fallbacks: ['groq/llama'],
        retry: { attempts: 3 },
        timeoutMs: 5_000,
      }),
    },
    routing({ requestFallbacks: true }),
  )

  it('expands an alias into weighted targets and an ordered fallback chain', () => {
    const plan = planner.plan('smart')
    expect(plan.groups.map((g) => g.map((t) => `${t.id}:${t.weight}`))).toEqual([['openai/gpt-4o:3', 'azure/gpt-4o:1'], ['groq/llama:1']])
    expect(plan.groups[0][0].keys).toEqual(['main'])
    expect(plan.retry.attempts).toBe(3)
    expect(plan.timeoutMs).toBe(5_000)
    expect(plan.route).toBe('smart')
  })

  it('plans a plain model as one target with the default policy', () => {
    const plan = planner.plan('gpt-4o')
    expect(plan.groups.map((g) => g.map((t) => t.id))).toEqual([['openai/gpt-4o']])
    expect(plan.retry.attempts).toBe(2)
  })

  it('appends request-level fallbacks when allowed, and refuses them otherwise', () => {
    expect(planner.plan('gpt-4o', ['groq/llama', 'smart']).groups.map((g) => g.map((t) => t.id))).toEqual([
      ['openai/gpt-4o'],
      ['groq/llama'],
      ['openai/gpt-4o', 'azure/gpt-4o'],
      ['groq/llama'],
    ])
    const strict = new Planner(router, {}, routing())
    expect(() => strict.plan('gpt-4o', ['groq/llama'])).toThrow(/not enabled/)
    expect(() => planner.plan('gpt-4o', 'groq/llama')).toThrow(/must be an array/)
    expect(() => planner.plan('gpt-4o', ['nope'])).toThrow(/"nope"/)
  })

  it('checks routes at startup: unknown providers and key ids are config errors', () => {
    try {
      new Planner(router, { bad: routeSchema.parse({ targets: [{ provider: 'nope' }, { provider: 'openai', keys: ['zzz'] }], fallbacks: ['missing-model'] }) }, routing())
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(RouteConfigError)
      expect((error as RouteConfigError).problems).toEqual([
        'routes.bad.targets[0]: no provider with id "nope" (providers: openai, azure, groq)',
        'routes.bad.targets[1]: provider "openai" has no key with id "zzz"',
        expect.stringMatching(/^routes\.bad\.fallbacks\[0\]: The model "missing-model" is not served/),
      ])
    }
  })
})
