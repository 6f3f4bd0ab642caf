import type { Usage } from '@sluice/sdk'
import type { GeminiUsageMetadata } from './types.js'

/**
 * Gemini's usageMetadata in OpenAI terms. Gemini counts thinking apart from the answer
 * (thoughtsTokenCount) where OpenAI counts it inside completion_tokens and details it as
 * reasoning_tokens; tokens of tool-use prompts (search results) are prompt tokens. Undefined
 * when the metadata carries no counts (Vertex sends `{trafficType}` alone mid-stream).
 */
export function usageFrom(meta: GeminiUsageMetadata | undefined): Usage | undefined {
  if (!meta || (meta.promptTokenCount === undefined && meta.totalTokenCount === undefined && meta.candidatesTokenCount === undefined)) return undefined
  const prompt = (meta.promptTokenCount ?? 0) + (meta.toolUsePromptTokenCount ?? 0)
  const thoughts = meta.thoughtsTokenCount ?? 0
  const completion = (meta.candidatesTokenCount ?? 0) + thoughts
  const usage: Usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: meta.totalTokenCount ?? prompt + completion }
  if (meta.cachedContentTokenCount !== undefined) usage.prompt_tokens_details = { cached_tokens: meta.cachedContentTokenCount }
  if (meta.thoughtsTokenCount !== undefined) usage.completion_tokens_details = { reasoning_tokens: thoughts }
  return usage
}
