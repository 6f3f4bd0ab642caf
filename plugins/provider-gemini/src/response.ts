import { randomUUID } from 'node:crypto'
import { GatewayError } from '@sluice/sdk'
import type { AssistantMessage, ChatChoice, ChatResponse } from '@sluice/sdk'
import type { GenerateContentResponse } from './types.js'
import { finishReason } from './finish-reason.js'
import { logprobsFrom } from './logprobs.js'
import { readParts } from './parts.js'
import { usageFrom } from './usage.js'

/** The id and time an answer goes by: Gemini's responseId and (Vertex) createTime when given. */
export function answerIdentity(res: GenerateContentResponse): { id: string; created: number } {
  const created = res.createTime ? Math.floor(Date.parse(res.createTime) / 1000) : NaN
  return { id: `chatcmpl-${res.responseId ?? randomUUID()}`, created: Number.isFinite(created) ? created : Math.floor(Date.now() / 1000) }
}

/**
 * A GenerateContentResponse as an OpenAI chat completion: one choice per candidate. A prompt
 * Gemini blocked (no candidates, `promptFeedback.blockReason`) is an empty answer finished by
 * `content_filter`, as Gemini itself answers 200.
 */
export function fromGenerateContent(body: unknown, provider: string, model: string): ChatResponse {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new GatewayError(502, 'provider_invalid_response', `Provider "${provider}" answered with something other than a GenerateContentResponse`)
  const res = body as GenerateContentResponse
  const candidates = res.candidates ?? []
  let choices: ChatChoice[]
  if (candidates.length === 0) {
    if (!res.promptFeedback?.blockReason) throw new GatewayError(502, 'provider_invalid_response', `Provider "${provider}" answered without candidates`)
    choices = [{ index: 0, message: { role: 'assistant', content: null }, finish_reason: 'content_filter' }]
  } else
    choices = candidates.map((candidate, i) => {
      const index = candidate.index ?? i
      const read = readParts(candidate.content?.parts, { responseId: res.responseId, candidate: index, callsBefore: 0 })
      const message: AssistantMessage & { role: 'assistant'; images?: unknown } = { role: 'assistant', content: read.text ?? null }
      if (read.reasoning !== undefined) message.reasoning_content = read.reasoning
      if (read.toolCalls.length) message.tool_calls = read.toolCalls
      if (read.images.length) message.images = read.images
      const choice: ChatChoice = { index, message, finish_reason: finishReason(candidate.finishReason, read.toolCalls.length > 0) ?? 'stop' }
      const logprobs = logprobsFrom(candidate.logprobsResult)
      if (logprobs) choice.logprobs = logprobs
      return choice
    })
  const out: ChatResponse = { ...answerIdentity(res), object: 'chat.completion', model: res.modelVersion ?? model, choices }
  const usage = usageFrom(res.usageMetadata)
  if (usage) out.usage = usage
  return out
}
