import type { Usage } from '@sluice/sdk'
import type { CohereUsage } from './types.js'

/**
 * Cohere usage in OpenAI terms. `tokens` are what the model read and wrote; `billed_units` what
 * was charged (fewer: Cohere does not bill its own prompt template). The counts come from
 * `tokens` (billed units when they are missing); `billed_units` is kept as it is, and
 * `cached_tokens` becomes OpenAI's `prompt_tokens_details.cached_tokens`.
 */
export function usageFrom(usage: CohereUsage | undefined): Usage | undefined {
  if (!usage || typeof usage !== 'object') return undefined
  const prompt = usage.tokens?.input_tokens ?? usage.billed_units?.input_tokens ?? 0
  const completion = usage.tokens?.output_tokens ?? usage.billed_units?.output_tokens ?? 0
  const out: Usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion }
  if (usage.cached_tokens) out.prompt_tokens_details = { cached_tokens: usage.cached_tokens }
  if (usage.billed_units) out.billed_units = usage.billed_units
  return out
}
