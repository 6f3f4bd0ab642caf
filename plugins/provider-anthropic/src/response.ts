import { GatewayError } from '@sluice/sdk'
import type { AssistantMessage, ChatResponse, ToolCall } from '@sluice/sdk'
import type { ThinkingBlock } from './messages.js'
import type { AnthropicMessage } from './types.js'
import { finishReason, toUsage } from './usage.js'
import { isObject } from './unsupported.js'

/**
 * An Anthropic Message → a canonical chat completion: text blocks joined into `content`,
 * `tool_use` blocks as tool calls (input as a JSON string), thinking as `reasoning_content`
 * with the signed blocks kept in `thinking_blocks` so they can go back on the next turn.
 * Server-tool blocks (web search results …) have no OpenAI form and are left out.
 */
export function fromMessage(body: unknown, provider: string, model: string): ChatResponse {
  if (!isObject(body) || !Array.isArray(body.content))
    throw new GatewayError(502, 'provider_invalid_response', `Provider "${provider}" answered without message content`)
  const message = body as unknown as AnthropicMessage
  let text: string | null = null
  let reasoning: string | undefined
  const thinking: ThinkingBlock[] = []
  const calls: ToolCall[] = []
  for (const block of message.content) {
    if (block.type === 'text' && typeof block.text === 'string') text = (text ?? '') + block.text
    else if (block.type === 'thinking' && typeof block.thinking === 'string') {
      reasoning = (reasoning ?? '') + block.thinking
      thinking.push({ type: 'thinking', thinking: block.thinking, signature: String(block.signature ?? '') })
    } else if (block.type === 'redacted_thinking') thinking.push({ type: 'redacted_thinking', data: String(block.data ?? '') })
    else if (block.type === 'tool_use')
      calls.push({ id: String(block.id), type: 'function', function: { name: String(block.name), arguments: JSON.stringify(block.input ?? {}) } })
  }
  const out: AssistantMessage & { role: 'assistant'; thinking_blocks?: ThinkingBlock[] } = { role: 'assistant', content: text }
  if (reasoning !== undefined) out.reasoning_content = reasoning
  if (thinking.length) out.thinking_blocks = thinking
  if (calls.length) out.tool_calls = calls
  return {
    id: typeof message.id === 'string' ? message.id : '',
    object: 'chat.completion',
    // Anthropic sends no creation time.
    created: Math.floor(Date.now() / 1000),
    model: typeof message.model === 'string' ? message.model : model,
    choices: [{ index: 0, message: out, finish_reason: finishReason(message.stop_reason) ?? 'stop' }],
    usage: toUsage(isObject(message.usage) ? message.usage : {}),
  }
}
