import type { FinishReason } from '@sluice/sdk'

/**
 * Converse's stopReason in OpenAI terms. A guardrail or a content filter that stopped the answer
 * is `content_filter`; a full context window is `length`. Malformed model output has no OpenAI
 * counterpart: the model did stop, so `stop`.
 */
export function finishReason(reason: string | undefined): FinishReason | null {
  switch (reason) {
    case undefined:
    case '':
      return null
    case 'tool_use':
      return 'tool_calls'
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length'
    case 'guardrail_intervened':
    case 'content_filtered':
      return 'content_filter'
    default:
      return 'stop'
  }
}
