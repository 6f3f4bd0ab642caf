import type { ChatResponse, FinishReason, ToolCall, Usage } from '@sluice/sdk'
import type { GeminiCandidate, GeminiPart, GeminiUsageMetadata, GenerateContentResponse } from './types.js'

type SignedToolCall = ToolCall & { extra_content?: { google?: { thought_signature?: string } } }

/** OpenAI finish reasons in Gemini terms (Gemini says STOP after function calls too). */
export function geminiFinishReason(reason: FinishReason | null | undefined): string | undefined {
  if (!reason) return undefined
  if (reason === 'length') return 'MAX_TOKENS'
  if (reason === 'content_filter') return 'SAFETY'
  if (reason === 'stop' || reason === 'tool_calls' || reason === 'function_call') return 'STOP'
  return 'OTHER'
}

/** OpenAI usage as usageMetadata: Gemini counts thinking apart from the answer. */
export function usageMetadata(usage: Usage): GeminiUsageMetadata {
  const reasoning = usage.completion_tokens_details?.reasoning_tokens ?? 0
  const meta: GeminiUsageMetadata = {
    promptTokenCount: usage.prompt_tokens,
    candidatesTokenCount: Math.max(0, usage.completion_tokens - reasoning),
    totalTokenCount: usage.total_tokens,
  }
  const cached = usage.prompt_tokens_details?.cached_tokens
  if (cached) meta.cachedContentTokenCount = cached
  if (reasoning) meta.thoughtsTokenCount = reasoning
  return meta
}

export interface MessageLike {
  content?: string | null | unknown
  reasoning_content?: string | null
  refusal?: string | null
  tool_calls?: SignedToolCall[]
  images?: unknown
}

/** A message or delta as Gemini parts: thought summary first, then text, function calls, images. */
export function toParts(message: MessageLike): GeminiPart[] {
  const parts: GeminiPart[] = []
  if (message.reasoning_content) parts.push({ text: message.reasoning_content, thought: true })
  const text = typeof message.content === 'string' ? message.content : Array.isArray(message.content) ? message.content.map((p: { text?: string }) => p.text ?? '').join('') : ''
  if (text) parts.push({ text })
  if (message.refusal) parts.push({ text: message.refusal })
  for (const call of message.tool_calls ?? []) parts.push(functionCallPart(call))
  if (Array.isArray(message.images))
    for (const image of message.images as { image_url?: { url?: string } }[]) {
      const match = /^data:([^;,]+);base64,(.*)$/s.exec(image.image_url?.url ?? '')
      if (match) parts.push({ inlineData: { mimeType: match[1], data: match[2] } })
    }
  return parts
}

/** The id goes along, so Gemini clients can echo it in their functionResponse. */
export function functionCallPart(call: SignedToolCall): GeminiPart {
  let args: Record<string, unknown> = {}
  try {
    const parsed: unknown = call.function.arguments ? JSON.parse(call.function.arguments) : {}
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) args = parsed as Record<string, unknown>
  } catch {
    // Malformed arguments from the model: Gemini's args must be an object, so none are passed.
  }
  const part: GeminiPart = { functionCall: { name: call.function.name, args, id: call.id } }
  const signature = call.extra_content?.google?.thought_signature
  if (signature) part.thoughtSignature = signature
  return part
}

export function candidate(index: number, parts: GeminiPart[], finish: FinishReason | null | undefined, logprobs?: unknown): GeminiCandidate {
  const out: GeminiCandidate = { index }
  if (parts.length) out.content = { role: 'model', parts }
  const reason = geminiFinishReason(finish)
  if (reason) out.finishReason = reason
  if (logprobs) out.logprobsResult = logprobsResult(logprobs)
  return out
}

/** OpenAI `logprobs.content` in Gemini's logprobsResult shape. */
function logprobsResult(logprobs: unknown): unknown {
  const content = (logprobs as { content?: { token: string; logprob: number; top_logprobs?: { token: string; logprob: number }[] }[] } | null)?.content
  if (!Array.isArray(content)) return undefined
  return {
    chosenCandidates: content.map((t) => ({ token: t.token, logProbability: t.logprob })),
    topCandidates: content.map((t) => ({ candidates: (t.top_logprobs ?? []).map((c) => ({ token: c.token, logProbability: c.logprob })) })),
  }
}

/** The id Gemini clients see: ours without OpenAI's `chatcmpl-` prefix. */
export const responseId = (id: string): string => id.replace(/^chatcmpl-/, '')

/** A canonical chat completion as a GenerateContentResponse. */
export function toGenerateContentResponse(response: ChatResponse): GenerateContentResponse {
  const out: GenerateContentResponse = {
    candidates: response.choices.map((c) => candidate(c.index, toParts(c.message as MessageLike), c.finish_reason, c.logprobs)),
  }
  if (response.usage) out.usageMetadata = usageMetadata(response.usage)
  out.modelVersion = response.model
  out.responseId = responseId(response.id)
  return out
}
