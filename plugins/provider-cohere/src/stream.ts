import { GatewayError } from '@sluice/sdk'
import type { ChatChunk, ChunkDelta, SseEvent } from '@sluice/sdk'
import type { CohereStreamEvent } from './types.js'
import { finishReason } from './finish-reason.js'
import { completionId } from './response.js'
import { usageFrom } from './usage.js'

/**
 * Cohere v2 chat stream events → OpenAI chunks: `message-start` gives the role chunk,
 * `content-delta` text (or thinking, as `reasoning_content`), `tool-plan-delta` reasoning,
 * `tool-call-start` a tool-call delta with its id and name and `tool-call-delta` argument
 * fragments, and `message-end` the finish reason then the usage chunk (no choices, as OpenAI sends
 * it last). A `message-end` with finish reason ERROR is raised; a stream that stops before
 * `message-end` was cut short.
 */
export async function* cohereChunks(events: AsyncIterable<SseEvent>, provider: string, model: string): AsyncGenerator<ChatChunk> {
  let base: Pick<ChatChunk, 'id' | 'object' | 'created' | 'model'> | undefined
  let started = false
  let finished = false
  /** Cohere's tool-call index → ours (they match, unless Cohere omits its index). */
  const tools = new Map<number, number>()
  const chunk = (delta: ChunkDelta, finish: ChatChunk['choices'][number]['finish_reason'] = null): ChatChunk => {
    if (!started) {
      started = true
      delta = { role: 'assistant', ...delta }
    }
    return { ...identity(), choices: [{ index: 0, delta, finish_reason: finish }] }
  }
  const identity = (id?: string) => (base ??= { id: completionId(id), object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model })
  for await (const sse of events) {
    const event = parse(sse, provider)
    if (!event) continue
    const message = event.delta?.message
    switch (event.type ?? sse.event) {
      case 'message-start':
        identity(event.id)
        if (!started) yield chunk({ content: '' })
        break
      case 'content-delta': {
        const content = message?.content
        if (content?.text) yield chunk({ content: content.text })
        else if (content?.thinking) yield chunk({ reasoning_content: content.thinking })
        break
      }
      case 'tool-plan-delta':
        if (message?.tool_plan) yield chunk({ reasoning_content: message.tool_plan })
        break
      case 'tool-call-start': {
        const call = message?.tool_calls
        const index = tools.size
        tools.set(event.index ?? index, index)
        yield chunk({ tool_calls: [{ index, id: call?.id, type: 'function', function: { name: call?.function?.name ?? '', arguments: call?.function?.arguments ?? '' } }] })
        break
      }
      case 'tool-call-delta': {
        const index = tools.get(event.index ?? tools.size - 1)
        if (index === undefined) throw new GatewayError(502, 'provider_invalid_response', `Provider "${provider}" streamed tool arguments for a call it never started`)
        const fragment = message?.tool_calls?.function?.arguments
        if (fragment) yield chunk({ tool_calls: [{ index, function: { arguments: fragment } }] })
        break
      }
      case 'message-end': {
        finished = true
        const reason = event.delta?.finish_reason
        yield chunk({}, finishReason(reason, provider, event.delta?.error) ?? 'stop')
        const usage = usageFrom(event.delta?.usage)
        if (usage) yield { ...identity(), choices: [], usage }
        break
      }
      // content-start/-end, tool-call-end, citation-start/-end and debug carry nothing for the client.
    }
  }
  if (!finished) throw new GatewayError(502, 'provider_error', `Provider "${provider}" ended its stream before the answer was complete`)
}

function parse(sse: SseEvent, provider: string): CohereStreamEvent | undefined {
  const data = sse.data.trim()
  if (!data || data === '[DONE]') return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(data)
  } catch {
    throw new GatewayError(502, 'provider_invalid_response', `Provider "${provider}" sent a stream event that is not JSON`)
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new GatewayError(502, 'provider_invalid_response', `Provider "${provider}" sent a stream event that is not an object`)
  return parsed as CohereStreamEvent
}
