import type { FinishReason, Usage } from '@sluice/sdk'
import type { AnthropicUsage } from './types.js'

const FINISH: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  // A server tool's loop paused; the caller continues it by sending the turn back.
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
}

/** Anthropic's `stop_reason` as an OpenAI `finish_reason` (an unknown reason reads as `stop`). */
export function finishReason(stopReason: string | null | undefined): FinishReason | null {
  if (stopReason == null) return null
  return FINISH[stopReason] ?? 'stop'
}

/**
 * Anthropic usage → OpenAI usage. Anthropic's `input_tokens` leaves out the cached part, so the
 * prompt is input + cache reads + cache writes; cache reads are OpenAI's `cached_tokens`, and
 * cache writes (billed at a premium) are kept as `cache_creation_tokens`.
 */
export function toUsage(usage: AnthropicUsage): Usage {
  const read = usage.cache_read_input_tokens ?? 0
  const written = usage.cache_creation_input_tokens ?? 0
  const prompt = (usage.input_tokens ?? 0) + read + written
  const completion = usage.output_tokens ?? 0
  const out: Usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion }
  if (read || written) out.prompt_tokens_details = { cached_tokens: read, ...(written ? { cache_creation_tokens: written } : {}) }
  const thinking = usage.output_tokens_details?.thinking_tokens
  if (typeof thinking === 'number') out.completion_tokens_details = { reasoning_tokens: thinking }
  return out
}

/** Stream usage: `message_delta` counts are cumulative and override `message_start`'s where present. */
export function mergeUsage(start: AnthropicUsage | undefined, delta: AnthropicUsage | undefined): AnthropicUsage {
  const out: AnthropicUsage = { ...start }
  for (const [key, value] of Object.entries(delta ?? {})) if (value != null) out[key] = value
  return out
}
