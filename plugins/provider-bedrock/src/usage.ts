import type { Usage } from '@sluice/sdk'
import type { TokenUsage } from './types.js'

/**
 * Converse token usage in OpenAI terms. Converse counts cache reads and writes apart from
 * `inputTokens` (as Anthropic does): the prompt is all three; cache reads are OpenAI's
 * `cached_tokens`, cache writes (billed at a premium) are kept as `cache_creation_tokens`.
 */
export function usageFrom(usage: TokenUsage | undefined): Usage | undefined {
  if (!usage || typeof usage !== 'object') return undefined
  const read = usage.cacheReadInputTokens ?? 0
  const written = usage.cacheWriteInputTokens ?? 0
  const prompt = (usage.inputTokens ?? 0) + read + written
  const completion = usage.outputTokens ?? 0
  const out: Usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion }
  if (read || written) out.prompt_tokens_details = { cached_tokens: read, ...(written ? { cache_creation_tokens: written } : {}) }
  return out
}
