import { GatewayError } from '@sluice/sdk'
import type { ChatChunk, SseEvent, StreamFacts } from '@sluice/sdk'

/**
 * OpenAI SSE events to chunks: one event, one chunk; ends at `[DONE]`. An `error` object in
 * the stream (OpenAI and several compatible servers send one mid-stream) is raised.
 */
export async function* openAIChunks(events: AsyncIterable<SseEvent>, provider: string): AsyncGenerator<ChatChunk> {
  for await (const event of events) {
    const data = event.data.trim()
    if (!data) continue
    if (data === '[DONE]') return
    let parsed: unknown
    try {
      parsed = JSON.parse(data)
    } catch {
      throw new GatewayError(502, 'provider_invalid_response', `Provider "${provider}" sent a stream event that is not JSON`)
    }
    const error = (parsed as { error?: { message?: unknown } } | null)?.error
    if (error) throw new GatewayError(502, 'provider_error', `Provider "${provider}" failed mid-stream: ${typeof error.message === 'string' ? error.message : 'unknown error'}`)
    if (!parsed || typeof parsed !== 'object' || !Array.isArray((parsed as ChatChunk).choices))
      throw new GatewayError(502, 'provider_invalid_response', `Provider "${provider}" sent a stream event without choices`)
    yield parsed as ChatChunk
  }
}

/**
 * The accounting facts of one OpenAI stream event, parsing JSON only for the few events that
 * carry them (usage, a finish reason, an error): the same-format fast path calls this per event.
 * Markers inside string values are escaped (`\"usage\"`), so a plain text search is safe.
 */
export function openAIFacts(event: SseEvent, provider: string): StreamFacts | undefined {
  const data = event.data
  if (data === '[DONE]') return { done: true }
  const usage = data.includes('"usage":{')
  const finish = data.includes('"finish_reason":"')
  const error = data.includes('"error":')
  if (!usage && !finish && !error) return undefined
  let parsed: { usage?: StreamFacts['usage']; choices?: { finish_reason?: string | null }[]; error?: { message?: unknown } }
  try {
    parsed = JSON.parse(data)
  } catch {
    return { error: new GatewayError(502, 'provider_invalid_response', `Provider "${provider}" sent a stream event that is not JSON`) }
  }
  const facts: StreamFacts = {}
  if (parsed.usage) facts.usage = parsed.usage
  const reason = parsed.choices?.find((c) => c.finish_reason)?.finish_reason
  if (reason) facts.finishReason = reason
  if (parsed.error) facts.error = new GatewayError(502, 'provider_error', `Provider "${provider}" failed mid-stream: ${typeof parsed.error.message === 'string' ? parsed.error.message : 'unknown error'}`)
  return facts
}
