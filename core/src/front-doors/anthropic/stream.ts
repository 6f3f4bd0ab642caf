import type { ChatChunk, GatewayError, Usage } from '@sluice/sdk'
import type { StreamEncoder } from '../codec.js'
import { anthropicError } from './errors.js'
import { messageId } from './render.js'
import { stopReason, toAnthropicUsage } from './usage.js'

type Kind = 'text' | 'thinking' | 'tool'
type ThinkingBlock = { type?: string; signature?: unknown; data?: unknown }

/** One SSE event as Anthropic writes it: the `event:` line names it (the SDKs dispatch on it). */
export function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`
}

/**
 * Canonical chunks → the Anthropic event sequence: `message_start`, then per content block
 * `content_block_start` / `content_block_delta` (text_delta, thinking_delta, signature_delta,
 * input_json_delta) / `content_block_stop`, then `message_delta` (stop reason, usage) and
 * `message_stop`. OpenAI-shaped streams give usage only at the end, so `message_start` reports
 * no tokens yet and `message_delta` the whole count (its counts are cumulative; the SDKs take
 * input tokens from it). One encoder per response.
 */
export class AnthropicStreamEncoder implements StreamEncoder {
  #started = false
  #blocks = -1
  #open: { kind: Kind; index: number } | undefined
  /** Tool-call index → its content-block index. */
  #tools = new Map<number, number>()
  #finish: string | null = null
  #usage: Usage | undefined

  chunk(chunk: ChatChunk): string {
    let out = this.#start(chunk)
    if (chunk.usage) this.#usage = chunk.usage
    const choice = chunk.choices?.find((c) => c.index === 0)
    if (!choice) return out
    const delta = (choice.delta ?? {}) as ChatChunk['choices'][number]['delta'] & { thinking_blocks?: ThinkingBlock[] }
    if (delta.reasoning_content) out += this.#delta('thinking', { type: 'thinking_delta', thinking: delta.reasoning_content })
    for (const block of delta.thinking_blocks ?? []) out += this.#thinkingBlock(block)
    if (delta.content) out += this.#delta('text', { type: 'text_delta', text: delta.content })
    if (delta.refusal) out += this.#delta('text', { type: 'text_delta', text: delta.refusal })
    for (const call of delta.tool_calls ?? []) {
      let index = this.#tools.get(call.index)
      if (index === undefined) {
        out += this.#close()
        index = ++this.#blocks
        this.#tools.set(call.index, index)
        this.#open = { kind: 'tool', index }
        out += sse('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: call.id ?? `toolu_${index}`, name: call.function?.name ?? '', input: {} } })
      }
      // A fragment for a tool call whose block was closed still goes to that block's index:
      // clients assemble by index (OpenAI upstreams send one call after the other anyway).
      if (call.function?.arguments) out += sse('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: call.function.arguments } })
    }
    if (choice.finish_reason) this.#finish = choice.finish_reason
    return out
  }

  end(): string {
    let out = this.#start(undefined)
    out += this.#close()
    out += sse('message_delta', { type: 'message_delta', delta: { stop_reason: stopReason(this.#finish), stop_sequence: null }, usage: toAnthropicUsage(this.#usage) })
    return out + sse('message_stop', { type: 'message_stop' })
  }

  error(error: GatewayError): string {
    return sse('error', anthropicError(error))
  }

  #start(chunk: ChatChunk | undefined): string {
    if (this.#started) return ''
    this.#started = true
    const usage = toAnthropicUsage(chunk?.usage)
    const message = { id: messageId(chunk?.id), type: 'message', role: 'assistant', model: chunk?.model ?? '', content: [], stop_reason: null, stop_sequence: null, usage }
    return sse('message_start', { type: 'message_start', message })
  }

  /** A delta for a text or thinking block, opening one (and closing the last) when needed. */
  #delta(kind: Kind, delta: Record<string, unknown>): string {
    let out = ''
    if (this.#open?.kind !== kind) {
      out += this.#close()
      const index = ++this.#blocks
      this.#open = { kind, index }
      const block = kind === 'text' ? { type: 'text', text: '' } : { type: 'thinking', thinking: '', signature: '' }
      out += sse('content_block_start', { type: 'content_block_start', index, content_block: block })
    }
    return out + sse('content_block_delta', { type: 'content_block_delta', index: this.#open!.index, delta })
  }

  /** A signature ends its thinking block; a redacted block is a whole block of its own. */
  #thinkingBlock(block: ThinkingBlock): string {
    if (block.type === 'redacted_thinking') {
      let out = this.#close()
      const index = ++this.#blocks
      out += sse('content_block_start', { type: 'content_block_start', index, content_block: { type: 'redacted_thinking', data: block.data } })
      return out + sse('content_block_stop', { type: 'content_block_stop', index })
    }
    if (block.type !== 'thinking' || typeof block.signature !== 'string' || !block.signature) return ''
    return this.#delta('thinking', { type: 'signature_delta', signature: block.signature })
  }

  #close(): string {
    if (!this.#open) return ''
    const { index } = this.#open
    this.#open = undefined
    return sse('content_block_stop', { type: 'content_block_stop', index })
  }
}
