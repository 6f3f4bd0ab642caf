import type { FinishReason } from '@sluice/sdk'

/** Gemini stopped because a filter fired (its own safety system, recitation, a blocklist, PII, Model Armor). */
const FILTERED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'IMAGE_PROHIBITED_CONTENT', 'IMAGE_RECITATION', 'MODEL_ARMOR'])

/**
 * Gemini's finishReason in OpenAI terms. Gemini says STOP after function calls, so the caller
 * tells whether the candidate called any. Reasons without an OpenAI counterpart (OTHER, LANGUAGE,
 * MALFORMED_FUNCTION_CALL …) become `stop`, as the model did stop.
 */
export function finishReason(reason: string | undefined, calledTools: boolean): FinishReason | null {
  if (!reason || reason === 'FINISH_REASON_UNSPECIFIED') return null
  if (reason === 'MAX_TOKENS') return 'length'
  if (FILTERED.has(reason)) return 'content_filter'
  return calledTools ? 'tool_calls' : 'stop'
}
