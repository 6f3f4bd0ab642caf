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

  it('says nothing for a model it cannot price', () => {
    expect(new Pricing().cost('mock', 'mock', 'no-such-model-anywhere', { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 })).toBeUndefined()
  })
})
