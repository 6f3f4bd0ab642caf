import { GatewayError } from '@sluice/sdk'
import type { ChatChunk, ChunkChoice, ChunkDelta, SseEvent, StreamFacts, Usage } from '@sluice/sdk'
import type { GenerateContentResponse, GoogleErrorBody } from './types.js'
import { streamError } from './errors.js'
import { finishReason } from './finish-reason.js'
import { logprobsFrom } from './logprobs.js'
import { readParts } from './parts.js'
import { answerIdentity } from './response.js'
import { usageFrom } from './usage.js'

/**
 * Gemini SSE events (`streamGenerateContent?alt=sse`, one GenerateContentResponse each) to
 * OpenAI chunks. Text arrives as deltas; a function call arrives whole, so it becomes one tool-call
 * delta with its full arguments. Gemini reports usage on every stream: it ends the stream as
 * OpenAI's usage chunk (no choices), which front doors drop for clients that did not ask for it.
 * Gemini has no end marker: a stream that stops before any finishReason was cut short.
 */
export async function* geminiChunks(events: AsyncIterable<SseEvent>, provider: string, model: string): AsyncGenerator<ChatChunk> {
  let base: Pick<ChatChunk, 'id' | 'object' | 'created' | 'model'> | undefined
  const candidates = new Map<number, { calls: number }>()
  let usage: Usage | undefined
  let finished = false
  for await (const event of events) {
    const res = parseEvent(event, provider)
    if (!res) continue
    base ??= { ...answerIdentity(res), object: 'chat.completion.chunk', model: res.modelVersion ?? model }
    usage = usageFrom(res.usageMetadata) ?? usage
    const choices: ChunkChoice[] = []
    if (!res.candidates?.length && res.promptFeedback?.blockReason) choices.push({ index: 0, delta: { role: 'assistant' }, finish_reason: 'content_filter' })
    for (const [i, candidate] of (res.candidates ?? []).entries()) {
      const index = candidate.index ?? i
      let state = candidates.get(index)
      const delta: ChunkDelta & { images?: unknown } = {}
      if (!state) {
        state = { calls: 0 }
        candidates.set(index, state)
        delta.role = 'assistant'
      }
      const read = readParts(candidate.content?.parts, { responseId: res.responseId, candidate: index, callsBefore: state.calls })
      if (read.text !== undefined) delta.content = read.text
      if (read.reasoning !== undefined) delta.reasoning_content = read.reasoning
      if (read.toolCalls.length) delta.tool_calls = read.toolCalls.map((call, k) => ({ index: state.calls + k, ...call }))
      if (read.images.length) delta.images = read.images
      state.calls += read.toolCalls.length
      const finish = finishReason(candidate.finishReason, state.calls > 0)
      if (Object.keys(delta).length === 0 && !finish) continue
      const choice: ChunkChoice = { index, delta, finish_reason: finish }
      const logprobs = logprobsFrom(candidate.logprobsResult)
      if (logprobs) choice.logprobs = logprobs
      choices.push(choice)
    }
    if (choices.length === 0) continue
    if (choices.some((c) => c.finish_reason)) finished = true
    yield { ...base, choices }
  }
  if (!finished) throw new GatewayError(502, 'provider_error', `Provider "${provider}" ended its stream before the answer was complete`)
  if (usage && base) yield { ...base, choices: [], usage }
}

function parseEvent(event: SseEvent, provider: string): GenerateContentResponse | undefined {
  const data = event.data.trim()
  if (!data) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(data)
  } catch {
    throw new GatewayError(502, 'provider_invalid_response', `Provider "${provider}" sent a stream event that is not JSON`)
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new GatewayError(502, 'provider_invalid_response', `Provider "${provider}" sent a stream event that is not an object`)
  if ((parsed as GoogleErrorBody).error) throw streamError(parsed as GoogleErrorBody, provider)
  return parsed as GenerateContentResponse
}

/**
 * The accounting facts of one Gemini stream event, for the same-format fast path (a Gemini client
 * talking to a Gemini upstream): JSON is parsed only for events that carry a count, a finish
 * reason or an error. Markers inside strings are escaped (`\"finishReason\"`), so the text search
 * cannot be fooled by the model's output.
 */
export function geminiFacts(event: SseEvent, provider: string): StreamFacts | undefined {
  const data = event.data
  const counts = data.includes('"totalTokenCount"') || data.includes('"promptTokenCount"')
  const finish = data.includes('"finishReason"') || data.includes('"blockReason"')
  const error = data.includes('"error"')
  if (!counts && !finish && !error) return undefined
  let res: GenerateContentResponse & GoogleErrorBody
  try {
    res = JSON.parse(data)
  } catch {
    return { error: new GatewayError(502, 'provider_invalid_response', `Provider "${provider}" sent a stream event that is not JSON`) }
  }
  if (res.error) return { error: streamError(res, provider) }
  const facts: StreamFacts = {}
  const usage = usageFrom(res.usageMetadata)
  if (usage) facts.usage = usage
  const candidate = res.candidates?.find((c) => c.finishReason)
  const calls = !!candidate?.content?.parts?.some((p) => p.functionCall)
  const reason = candidate ? finishReason(candidate.finishReason, calls) : res.promptFeedback?.blockReason ? 'content_filter' : null
  if (reason) facts.finishReason = reason
  return facts
}
