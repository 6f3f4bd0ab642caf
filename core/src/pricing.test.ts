import { describe, expect, it } from 'vitest'
import { calcPrice } from '@pydantic/genai-prices'
import { Pricing } from './pricing.js'

describe('Pricing', () => {
  it('prices a known model from the bundled table, cached input at its own rate', () => {
    const pricing = new Pricing()
    const full = pricing.cost('openai', 'openai', 'gpt-4o-mini', { prompt_tokens: 1_000_000, completion_tokens: 0, total_tokens: 1_000_000 })!
    const cached = pricing.cost('openai', 'openai', 'gpt-4o-mini', { prompt_tokens: 1_000_000, completion_tokens: 0, total_tokens: 1_000_000, prompt_tokens_details: { cached_tokens: 1_000_000 } })!
    expect(full).toBeGreaterThan(0)
    expect(cached).toBeLessThan(full)
    // The cached arithmetic agrees with the table's own calculator.
    const table = calcPrice({ input_tokens: 1000, output_tokens: 200 }, 'gpt-4o-mini', { providerId: 'openai' })!.total_price
    expect(pricing.cost('openai', 'openai', 'gpt-4o-mini', { prompt_tokens: 1000, completion_tokens: 200, total_tokens: 1200 })).toBeCloseTo(table, 12)
  })

  it('uses config overrides per model or provider/model', () => {
    const pricing = new Pricing({ 'mock-1': { input: 1, output: 2 }, 'groq/llama': { input: 0.5, output: 0.5, cachedInput: 0.1 } })
    expect(pricing.cost('mock', 'mock', 'mock-1', { prompt_tokens: 1_000_000, completion_tokens: 500_000, total_tokens: 1_500_000 })).toBeCloseTo(2, 10)
    expect(pricing.cost('groq', 'openai', 'llama', { prompt_tokens: 2_000_000, completion_tokens: 0, total_tokens: 2_000_000, prompt_tokens_details: { cached_tokens: 1_000_000 } })).toBeCloseTo(0.6, 10)
  })

  it('prices cache writes (Anthropic cache_creation_tokens) at the premium rate, as the table does', () => {
    const pricing = new Pricing()
    // Canonical usage from the Anthropic provider: the prompt includes cache reads and writes.
    const usage = { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100, prompt_tokens_details: { cached_tokens: 100, cache_creation_tokens: 800 } }
    for (const model of ['claude-haiku-4-5', 'claude-sonnet-4-5']) {
      const table = calcPrice({ input_tokens: 1000, output_tokens: 100, cache_read_tokens: 100, cache_write_tokens: 800 }, model, { providerId: 'anthropic' })!.total_price
      expect(pricing.cost('anthropic', 'anthropic', model, usage), model).toBeCloseTo(table, 12)
    }
    const override = new Pricing({ m: { input: 1, output: 2, cachedInput: 0.1, cacheWriteInput: 1.25 } })
    expect(override.cost('x', 'x', 'm', usage)).toBeCloseTo((100 * 1 + 100 * 0.1 + 800 * 1.25 + 100 * 2) / 1e6, 12)
  })

  it('never prices below zero nor NaN when an upstream reports more cached than prompt tokens, or junk', () => {
    const pricing = new Pricing({ m: { input: 1, output: 2, cachedInput: 0.5 } })
    expect(pricing.cost('x', 'x', 'm', { prompt_tokens: 10, completion_tokens: 0, total_tokens: 10, prompt_tokens_details: { cached_tokens: 1000 } })).toBeGreaterThanOrEqual(0)
    const junk = pricing.cost('x', 'x', 'm', { prompt_tokens: 'ten', completion_tokens: 5, total_tokens: 5 } as never)
    expect(Number.isFinite(junk)).toBe(true)
    expect(junk).toBeCloseTo((5 * 2) / 1e6, 12)
    // Numeric strings, as some OpenAI-compatible servers send them, are counts.
    expect(pricing.cost('x', 'x', 'm', { prompt_tokens: '10', completion_tokens: '5', total_tokens: '15' } as never)).toBeCloseTo((10 * 1 + 5 * 2) / 1e6, 12)
  })

  it('says nothing for a model it cannot price', () => {
    expect(new Pricing().cost('mock', 'mock', 'no-such-model-anywhere', { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 })).toBeUndefined()
  })
})
