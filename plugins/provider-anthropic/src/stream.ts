import { GatewayError } from '@sluice/sdk'
import type { ChatChunk, ChunkDelta, FinishReason, SseEvent, StreamFacts } from '@sluice/sdk'
import { streamError } from './errors.js'
import type { AnthropicBlock, AnthropicUsage } from './types.js'
import { finishReason, mergeUsage, toUsage } from './usage.js'
import { isObject } from './unsupported.js'

type Delta = ChunkDelta & { thinking_blocks?: unknown[] }

/**
 * Anthropic stream events → canonical chunks: the role first (`message_start`), text and
 * thinking deltas, a tool call's id and name when its block starts and its input JSON in
 * fragments, the finish reason at `message_delta`, and usage in a last chunk without choices at
 * `message_stop` (always: the gateway accounts for it). A thinking block's signature comes as
 * `thinking_blocks` on a delta. An `error` event is thrown; a stream that ends before
 * `message_stop` is a 502.
 */
export async function* anthropicChunks(events: AsyncIterable<SseEvent>, provider: string, model: string): AsyncGenerator<ChatChunk> {
  let id = ''
  let name = model
  const created = Math.floor(Date.now() / 1000)
  let startUsage: AnthropicUsage | undefined
  let deltaUsage: AnthropicUsage | undefined
  let finished = false
  // Content-block index → tool-call index (OpenAI numbers tool calls on their own).
  const tools = new Map<number, number>()
  const chunk = (delta: Delta, finish: FinishReason | null = null): ChatChunk => ({ id, object: 'chat.completion.chunk', created, model: name, choices: [{ index: 0, delta, finish_reason: finish }] })
  for await (const event of events) {
    if (event.event === 'ping') continue
    const data = parse(event, provider)
    if (!data) continue
    switch (data.type) {
      case 'message_start': {
        const message = isObject(data.message) ? data.message : {}
        if (typeof message.id === 'string') id = message.id
        if (typeof message.model === 'string') name = message.model
        startUsage = isObject(message.usage) ? message.usage : undefined
        yield chunk({ role: 'assistant', content: '' })
        break
      }
      case 'content_block_start': {
        const delta = blockStart(data.content_block as AnthropicBlock, Number(data.index), tools)
        if (delta) yield chunk(delta)
        break
      }
      case 'content_block_delta': {
        const delta = blockDelta(data.delta as AnthropicBlock, Number(data.index), tools)
        if (delta) yield chunk(delta)
        break
      }
      case 'message_delta': {
        const delta = isObject(data.delta) ? data.delta : {}
        if (isObject(data.usage)) deltaUsage = data.usage
        finished = true
        yield chunk({}, finishReason(delta.stop_reason as string | null) ?? 'stop')
        break
      }
      case 'message_stop':
        if (!finished) yield chunk({}, 'stop')
        yield { id, object: 'chat.completion.chunk', created, model: name, choices: [], usage: toUsage(mergeUsage(startUsage, deltaUsage)) }
        return
      case 'error':
        throw streamError(data, provider)
    }
  }
  throw new GatewayError(502, 'provider_error', `Provider "${provider}" ended the stream before message_stop`)
}

function blockStart(block: AnthropicBlock | undefined, index: number, tools: Map<number, number>): Delta | undefined {
  if (!isObject(block)) return undefined
  switch (block.type) {
    case 'text':
      return block.text ? { content: String(block.text) } : undefined
    case 'thinking':
      return block.thinking ? { reasoning_content: String(block.thinking) } : undefined
    case 'redacted_thinking':
      return { thinking_blocks: [{ type: 'redacted_thinking', data: block.data }] }
    case 'tool_use': {
      const call = tools.size
      tools.set(index, call)
      // Anthropic starts with `input: {}` and streams the JSON; a whole input up front is kept.
      const input = isObject(block.input) && Object.keys(block.input).length ? JSON.stringify(block.input) : ''
      return { tool_calls: [{ index: call, id: String(block.id), type: 'function', function: { name: String(block.name), arguments: input } }] }
    }
    default:
      return undefined
  }
}

function blockDelta(delta: AnthropicBlock | undefined, index: number, tools: Map<number, number>): Delta | undefined {
  if (!isObject(delta)) return undefined
  switch (delta.type) {
    case 'text_delta':
      return delta.text ? { content: String(delta.text) } : undefined
    case 'thinking_delta':
      return delta.thinking ? { reasoning_content: String(delta.thinking) } : undefined
    case 'signature_delta':
      return { thinking_blocks: [{ type: 'thinking', thinking: '', signature: delta.signature }] }
    case 'input_json_delta': {
      const call = tools.get(index)
      if (call === undefined || !delta.partial_json) return undefined
      return { tool_calls: [{ index: call, function: { arguments: String(delta.partial_json) } }] }
    }
    default:
      return undefined
  }
}

function parse(event: SseEvent, provider: string): Record<string, unknown> | undefined {
  const text = event.data.trim()
  if (!text) return undefined
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    throw new GatewayError(502, 'provider_invalid_response', `Provider "${provider}" sent a stream event that is not JSON`)
  }
  if (!isObject(data)) throw new GatewayError(502, 'provider_invalid_response', `Provider "${provider}" sent a stream event that is not an object`)
  return data
}

/**
 * The accounting facts of one Anthropic stream event, for the same-format fast path: usage at
 * `message_start` (input) and `message_delta` (cumulative), the stop reason, errors, the end.
 * Only those few events are parsed. A `message_delta` without `input_tokens` (older API
 * versions) reports no usage, so the input count of `message_start` stands (see README).
 */
export function anthropicFacts(event: SseEvent, provider: string): StreamFacts | undefined {
  const type = event.event ?? /^\s*\{\s*"type"\s*:\s*"([a-z_]+)"/.exec(event.data)?.[1]
  if (type === 'message_stop') return { done: true }
  if (type !== 'message_start' && type !== 'message_delta' && type !== 'error') return undefined
  let data: Record<string, unknown>
  try {
    data = JSON.parse(event.data) as Record<string, unknown>
  } catch {
    return { error: new GatewayError(502, 'provider_invalid_response', `Provider "${provider}" sent a stream event that is not JSON`) }
  }
  if (type === 'error') return { error: streamError(data, provider) }
  if (type === 'message_start') {
    const usage = isObject(data.message) && isObject(data.message.usage) ? data.message.usage : undefined
    return usage ? { usage: toUsage(usage) } : undefined
  }
  const facts: StreamFacts = {}
  const reason = isObject(data.delta) ? finishReason(data.delta.stop_reason as string | null) : null
  if (reason) facts.finishReason = reason
  if (isObject(data.usage) && data.usage.input_tokens != null) facts.usage = toUsage(data.usage)
  return facts
}
