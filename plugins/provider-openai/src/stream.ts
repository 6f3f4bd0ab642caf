import { GatewayError } from '@sluice/sdk'
import type { ChatChunk, SseEvent } from '@sluice/sdk'

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
