import { calcPrice } from '@pydantic/genai-prices'
import type { Usage } from '@sluice/sdk'

/** USD per million tokens, for models the price table lacks or that an organisation pays differently. */
export interface PriceOverride {
  input: number
  output: number
  cachedInput?: number
  /** Prompt tokens written to the provider's cache (Anthropic, Bedrock): dearer than input. */
  cacheWriteInput?: number
}

interface FlatPrice {
  input_mtok?: number
  output_mtok?: number
  cache_read_mtok?: number
  cache_write_mtok?: number
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
    const output = count(usage.completion_tokens)
    const read = count(usage.prompt_tokens_details?.cached_tokens)
    const written = count(usage.prompt_tokens_details?.cache_creation_tokens)
    // Reads and writes are part of the prompt; an upstream that reports more of them than the
    // prompt must not make the rest negative (a negative cost would pay the budget back).
    const input = Math.max(count(usage.prompt_tokens), read + written)
    const uncached = input - read - written
    const override = this.#overrides[model] ?? this.#overrides[`${provider}/${model}`]
    if (override) return (uncached * override.input + read * (override.cachedInput ?? override.input) + written * (override.cacheWriteInput ?? override.input) + output * override.output) / 1e6
    const key = `${provider}\u0000${kind}\u0000${model}`
    let price = this.#cache.get(key)
    if (price === undefined) {
      price = lookup(provider, kind, model)
      this.#cache.set(key, price)
    }
    if (price === null) return undefined
    if (price === 'tiered') return priced(provider, kind, model, { input_tokens: input, output_tokens: output, cache_read_tokens: read, cache_write_tokens: written })?.total_price
    const base = price.input_mtok ?? 0
    return (uncached * base + read * (price.cache_read_mtok ?? base) + written * (price.cache_write_mtok ?? base) + output * (price.output_mtok ?? 0)) / 1e6
  }
}

/** A token count from an upstream's usage (some servers send numeric strings); anything else counts as 0. */
function count(value: unknown): number {
  const n = typeof value === 'string' && value.trim() ? Number(value) : value
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0
}

type TableUsage = {
  input_tokens: number
  output_tokens: number
  cache_read_tokens: number
  cache_write_tokens: number
}

function priced(provider: string, kind: string, model: string, usage: TableUsage) {
  for (const providerId of [provider, TABLE_PROVIDER[kind] ?? kind]) {
    const found = calcPrice(usage, model, { providerId })
    if (found) return found
  }
  return calcPrice(usage, model) ?? undefined
}

function lookup(provider: string, kind: string, model: string): FlatPrice | 'tiered' | null {
  const found = priced(provider, kind, model, { input_tokens: 1, output_tokens: 1, cache_read_tokens: 0, cache_write_tokens: 0 })
  if (!found) return null
  const p = found.model_price as Record<string, unknown>
  const flat = ['input_mtok', 'output_mtok', 'cache_read_mtok', 'cache_write_mtok'].every((k) => p[k] === undefined || typeof p[k] === 'number')
  return flat ? (p as FlatPrice) : 'tiered'
}
