import { calcPrice } from '@pydantic/genai-prices'
import type { Usage } from '@sluice/sdk'

/** USD per million tokens, for models the price table lacks or that an organisation pays differently. */
export interface PriceOverride {
  input: number
  output: number
  cachedInput?: number
}

interface FlatPrice {
  input_mtok?: number
  output_mtok?: number
  cache_read_mtok?: number
}

// Provider kinds whose price-table id differs from ours.
const TABLE_PROVIDER: Record<string, string> = { gemini: 'google', vertex: 'google', 'azure-openai': 'azure', bedrock: 'aws' }

/**
 * Cost of one answer in USD from the maintained price table (@pydantic/genai-prices, bundled
 * data, no network), or from a per-model override in config. A model's price is looked up once:
 * the table's matcher costs ~20 µs a call, the cached arithmetic well under one.
 */
export class Pricing {
  readonly #overrides: Record<string, PriceOverride>
  readonly #cache = new Map<string, FlatPrice | 'tiered' | null>()

  constructor(overrides: Record<string, PriceOverride> = {}) {
    this.#overrides = overrides
  }

  cost(provider: string, kind: string, model: string, usage: Usage): number | undefined {
    const input = usage.prompt_tokens ?? 0
    const output = usage.completion_tokens ?? 0
    const cached = usage.prompt_tokens_details?.cached_tokens ?? 0
    const override = this.#overrides[model] ?? this.#overrides[`${provider}/${model}`]
    if (override) return ((input - cached) * override.input + cached * (override.cachedInput ?? override.input) + output * override.output) / 1e6
    const key = `${provider}\u0000${kind}\u0000${model}`
    let price = this.#cache.get(key)
    if (price === undefined) {
      price = lookup(provider, kind, model)
      this.#cache.set(key, price)
    }
    if (price === null) return undefined
    if (price === 'tiered') return priced(provider, kind, model, input, output, cached)?.total_price
    return ((input - cached) * (price.input_mtok ?? 0) + cached * (price.cache_read_mtok ?? price.input_mtok ?? 0) + output * (price.output_mtok ?? 0)) / 1e6
  }
}

function priced(provider: string, kind: string, model: string, input: number, output: number, cached: number) {
  const usage = { input_tokens: input, output_tokens: output, cache_read_tokens: cached }
  for (const providerId of [provider, TABLE_PROVIDER[kind] ?? kind]) {
    const found = calcPrice(usage, model, { providerId })
    if (found) return found
  }
  return calcPrice(usage, model) ?? undefined
}

function lookup(provider: string, kind: string, model: string): FlatPrice | 'tiered' | null {
  const found = priced(provider, kind, model, 1, 1, 0)
  if (!found) return null
  const p = found.model_price as Record<string, unknown>
  const flat = ['input_mtok', 'output_mtok', 'cache_read_mtok'].every((k) => p[k] === undefined || typeof p[k] === 'number')
  return flat ? (p as FlatPrice) : 'tiered'
}
