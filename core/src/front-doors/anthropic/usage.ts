import type { FinishReason, Usage } from '@sluice/sdk'

const STOP_REASONS: Record<string, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  content_filter: 'refusal',
}

/** An OpenAI finish reason as Anthropic's `stop_reason` (none, or an unknown one, reads as end_turn). */
export function stopReason(finish: FinishReason | null | undefined): string {
  return (finish && STOP_REASONS[finish]) || 'end_turn'
}

export interface AnthropicUsage {
  input_tokens: number
  cache_creation_input_tokens: number
  cache_read_input_tokens: number
  output_tokens: number
}

/**
 * OpenAI usage in Anthropic's terms: Anthropic's `input_tokens` leaves out cache reads and
 * writes, which it counts apart (`cached_tokens`, and `cache_creation_tokens` from the Anthropic
 * provider).
 */
export function toAnthropicUsage(usage: Usage | null | undefined): AnthropicUsage {
  const details = usage?.prompt_tokens_details
  const read = numberOr0(details?.cached_tokens)
  const written = numberOr0(details?.cache_creation_tokens)
  return {
    input_tokens: Math.max(0, numberOr0(usage?.prompt_tokens) - read - written),
    cache_creation_input_tokens: written,
    cache_read_input_tokens: read,
    output_tokens: numberOr0(usage?.completion_tokens),
  }
}

function numberOr0(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0
}
