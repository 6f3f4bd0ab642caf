import type { ChatRequest, ChatResponse } from '@sluice/sdk'

export interface CacheRules {
  maxTemperature: number
  cacheToolCalls: boolean
  cacheMultipleChoices: boolean
}

/** Requests whose answer is meant to vary are neither looked up nor stored: n > 1, high temperature. */
export function requestCacheable(body: ChatRequest, rules: CacheRules): boolean {
  if (!rules.cacheMultipleChoices && typeof body.n === 'number' && body.n > 1) return false
  if (typeof body.temperature === 'number' && body.temperature > rules.maxTemperature) return false
  return true
}

const FINISHED = new Set(['stop', 'length'])

/**
 * Only complete answers are stored: every choice finished (`stop`, `length`; `tool_calls` with
 * `cacheToolCalls`), no tool calls unless allowed, something said. A stream cut short has no
 * finish reason; a content-filtered answer is not worth replaying.
 */
export function answerCacheable(response: ChatResponse, rules: CacheRules): boolean {
  if (response.object !== 'chat.completion' || !Array.isArray(response.choices) || response.choices.length === 0) return false
  if (!rules.cacheMultipleChoices && response.choices.length > 1) return false
  for (const choice of response.choices) {
    const calls = choice.message?.tool_calls?.length ?? 0
    if (calls > 0 && !rules.cacheToolCalls) return false
    const finish = choice.finish_reason ?? ''
    if (!FINISHED.has(finish) && !(finish === 'tool_calls' && rules.cacheToolCalls)) return false
    const content = choice.message?.content
    if (calls === 0 && (content == null || content === '' || (Array.isArray(content) && content.length === 0))) return false
  }
  return true
}
