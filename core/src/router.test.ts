import { describe, expect, it } from 'vitest'
import { GatewayError } from '@sluice/sdk'
import type { ProviderAdapter } from '@sluice/sdk'
import { Router } from './router.js'

const provider = (id: string, models: string[]): ProviderAdapter =>
  ({ id, kind: 'openai', wireFormat: 'openai', baseURL: 'http://x', keys: [], models, headers: {}, timeoutMs: 1000, auth: () => ({}), error: () => new GatewayError(502, 'provider_error', 'x') }) as ProviderAdapter

describe('Router', () => {
  const router = new Router([provider('openai', ['gpt-4o', 'gpt-4o-mini']), provider('groq', ['gpt-4o', 'llama-*']), provider('openrouter', ['meta/llama-3'])])

  it('sends a bare declared model to the first provider that declares it', () => {
    expect(router.resolve('gpt-4o')).toMatchObject({ provider: { id: 'openai' }, model: 'gpt-4o' })
  })

  it('sends provider/model to that provider, any model', () => {
    expect(router.resolve('groq/gpt-4o')).toMatchObject({ provider: { id: 'groq' }, model: 'gpt-4o' })
    expect(router.resolve('openai/o3')).toMatchObject({ provider: { id: 'openai' }, model: 'o3' })
  })

  it('prefers a declared model that contains a slash over a provider prefix', () => {
    expect(router.resolve('meta/llama-3')).toMatchObject({ provider: { id: 'openrouter' }, model: 'meta/llama-3' })
  })

  it('matches declared globs', () => {
    expect(router.resolve('llama-3.3-70b')).toMatchObject({ provider: { id: 'groq' }, model: 'llama-3.3-70b' })
  })

  it('answers 404 naming an unknown model', () => {
    try {
      router.resolve('claude-x')
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(GatewayError)
      expect((error as GatewayError).status).toBe(404)
      expect((error as GatewayError).type).toBe('caller_model_not_found')
      expect((error as GatewayError).message).toContain('"claude-x"')
    }
  })

  it('lists each model once, and shadowed ones as provider/model', () => {
    expect(router.listModels().map((m) => `${m.id}@${m.owned_by}`)).toEqual(['gpt-4o@openai', 'gpt-4o-mini@openai', 'groq/gpt-4o@groq', 'meta/llama-3@openrouter'])
  })

  it('refuses two providers with one id', () => {
    expect(() => new Router([provider('a', []), provider('a', [])])).toThrow(/two providers use the id "a"/)
  })
})
