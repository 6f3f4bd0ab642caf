import { countTokens } from 'gpt-tokenizer'
import type { Usage } from '@sluice/sdk'

/** What an answer produced before it ended, for counting when the upstream reported no usage. */
export interface OutputSeen {
  /** Text and tool-call arguments of the chunks sent (encoded streams, JSON answers). */
  parts: string[]
  /** Events forwarded byte for byte (fast path), where no text was decoded. */
  rawEvents: number
}

// Chat formats spend a few tokens per message on roles and separators (OpenAI's cookbook: 3–4).
const PER_TEXT_OVERHEAD = 4
const PRIMING = 3

/**
 * Usage counted by the gateway when the upstream gave none (a stream cut short, a client that
 * left, an upstream that never reports): the prompt with a real BPE tokenizer (o200k, the GPT-4o
 * family; close for other vendors), the answer from its text, or one token per forwarded event
 * when only bytes went through. An estimate, flagged as such; better than charging nothing.
 */
export function estimateUsage(promptTexts: readonly string[], output: OutputSeen): Usage {
  let prompt = PRIMING
  for (const text of promptTexts) prompt += countTokens(text) + PER_TEXT_OVERHEAD
  let completion = 0
  for (const part of output.parts) completion += countTokens(part)
  // Each streamed event carries at least one token, bar the role and finish events.
  completion += Math.max(0, output.rawEvents - 2)
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion }
}
