import { GatewayError } from '@sluice/sdk'
import type { ChatChunk, ChunkDelta, FinishReason } from '@sluice/sdk'
import type { Message } from '@smithy/eventstream-codec'
import type { ContentBlockDeltaEvent, ContentBlockStartEvent, MessageStopEvent, MetadataEvent } from './types.js'
import { eventStreamMessages, headerValue, payloadJson } from './eventstream.js'
import { streamException } from './errors.js'
import { finishReason } from './finish-reason.js'
import { completionId } from './response.js'
import { usageFrom } from './usage.js'

type Delta = ChunkDelta & { thinking_blocks?: unknown[] }

/**
 * A ConverseStream body (binary event-stream frames) → OpenAI chunks.
 *
 * @example
 * streamBytes: (body, call) => converseChunks(body, 'bedrock', call.model)
 */
export function converseChunks(body: AsyncIterable<Uint8Array>, provider: string, model: string): AsyncGenerator<ChatChunk> {
  return chunksFromMessages(eventStreamMessages(body, provider), provider, model)
}

/**
 * Decoded ConverseStream messages → OpenAI chunks: `messageStart` gives the role chunk, text
 * deltas become content, a `toolUse` block start becomes a tool-call delta with its id and name
 * and its input deltas argument fragments, `messageStop` the finish reason, and `metadata` the
 * usage chunk (no choices, as OpenAI sends it last). Exception frames are raised as
 * GatewayErrors; a stream that ends before `messageStop` was cut short.
 */
export async function* chunksFromMessages(messages: AsyncIterable<Message>, provider: string, model: string): AsyncGenerator<ChatChunk> {
  const base = { id: completionId(), object: 'chat.completion.chunk' as const, created: Math.floor(Date.now() / 1000), model }
  let started = false
  let finished = false
  /** Converse content-block index → OpenAI tool-call index. */
  const tools = new Map<number, number>()
  const chunk = (delta: Delta, finish: FinishReason | null = null): ChatChunk => {
    if (!started) {
      started = true
      delta = { role: 'assistant', ...delta }
    }
    return { ...base, choices: [{ index: 0, delta, finish_reason: finish }] }
  }
  for await (const message of messages) {
    const kind = headerValue(message, ':message-type')
    if (kind === 'exception') throw streamException(headerValue(message, ':exception-type') ?? '', payloadJson(message, provider), provider)
    if (kind === 'error') throw streamException(headerValue(message, ':error-code') ?? '', { message: headerValue(message, ':error-message') }, provider)
    const event = headerValue(message, ':event-type')
    switch (event) {
      case 'messageStart':
        if (!started) yield chunk({ content: '' })
        break
      case 'contentBlockStart': {
        const payload = payloadJson(message, provider) as ContentBlockStartEvent
        const start = payload.start?.toolUse
        if (!start) break
        const index = tools.size
        tools.set(payload.contentBlockIndex ?? -1, index)
        yield chunk({ tool_calls: [{ index, id: start.toolUseId, type: 'function', function: { name: start.name ?? '', arguments: '' } }] })
        break
      }
      case 'contentBlockDelta': {
        const payload = payloadJson(message, provider) as ContentBlockDeltaEvent
        const delta = deltaOf(payload, tools, provider)
        if (delta) yield chunk(delta)
        break
      }
      case 'messageStop':
        finished = true
        yield chunk({}, finishReason((payloadJson(message, provider) as MessageStopEvent).stopReason) ?? 'stop')
        break
      case 'metadata': {
        const usage = usageFrom((payloadJson(message, provider) as MetadataEvent).usage)
        if (usage) yield { ...base, choices: [], usage }
        break
      }
      // contentBlockStop, and events added later, carry nothing for the client.
    }
  }
  if (!finished) throw new GatewayError(502, 'provider_error', `Provider "${provider}" ended its stream before the answer was complete`)
}

function deltaOf(payload: ContentBlockDeltaEvent, tools: Map<number, number>, provider: string): Delta | undefined {
  const delta = payload.delta
  if (!delta) return undefined
  if (typeof delta.text === 'string') return delta.text ? { content: delta.text } : undefined
  if (delta.toolUse) {
    const index = tools.get(payload.contentBlockIndex ?? -1)
    if (index === undefined) throw new GatewayError(502, 'provider_invalid_response', `Provider "${provider}" streamed tool input for a block it never started`)
    return delta.toolUse.input ? { tool_calls: [{ index, function: { arguments: delta.toolUse.input } }] } : undefined
  }
  const reasoning = delta.reasoningContent
  if (!reasoning) return undefined
  if (reasoning.text) return { reasoning_content: reasoning.text }
  // Anthropic-style blocks: the Anthropic front door turns them into signature deltas and redacted blocks.
  if (reasoning.signature) return { thinking_blocks: [{ type: 'thinking', thinking: '', signature: reasoning.signature }] }
  if (reasoning.redactedContent) return { thinking_blocks: [{ type: 'redacted_thinking', data: reasoning.redactedContent }] }
  return undefined
}
