import { randomUUID } from 'node:crypto'
import { GatewayError } from '@sluice/sdk'
import type { AssistantMessage, ChatResponse, ToolCall } from '@sluice/sdk'
import type { ContentBlock, ConverseResponse } from './types.js'
import { finishReason } from './finish-reason.js'
import { usageFrom } from './usage.js'

/** Anthropic's shape for thinking blocks, which its front door renders (and clients send back). */
type ThinkingBlock = { type: 'thinking'; thinking: string; signature?: string } | { type: 'redacted_thinking'; data: string }

/** A chat completion id: Converse answers carry none in the body. */
export function completionId(): string {
  return `chatcmpl-${randomUUID().replace(/-/g, '')}`
}

/**
 * A Converse answer as an OpenAI chat completion: text blocks joined into `content`, `toolUse`
 * blocks as tool calls (Bedrock's own ids), reasoning as `reasoning_content` (with Anthropic-style
 * `thinking_blocks` carrying the signatures a Claude tool-use turn needs back).
 *
 * @example
 * fromConverse({ output: { message: { role: 'assistant', content: [{ text: 'Hi' }] } }, stopReason: 'end_turn', usage: { inputTokens: 3, outputTokens: 1 } }, 'bedrock', 'm')
 */
export function fromConverse(body: unknown, provider: string, model: string): ChatResponse {
  const res = body as ConverseResponse | null
  const content = res?.output?.message?.content
  if (!res || typeof res !== 'object' || !Array.isArray(content))
    throw new GatewayError(502, 'provider_invalid_response', `Provider "${provider}" answered without output.message.content`)
  const message = assistantMessage(content)
  const response: ChatResponse = {
    id: completionId(),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message, finish_reason: finishReason(res.stopReason) ?? 'stop' }],
  }
  const usage = usageFrom(res.usage)
  if (usage) response.usage = usage
  return response
}

function assistantMessage(content: ContentBlock[]): AssistantMessage & { role: 'assistant'; thinking_blocks?: ThinkingBlock[] } {
  let text: string | undefined
  let reasoning: string | undefined
  const calls: ToolCall[] = []
  const thinking: ThinkingBlock[] = []
  for (const block of content) {
    if (typeof block.text === 'string') text = (text ?? '') + block.text
    else if (block.toolUse)
      calls.push({ id: block.toolUse.toolUseId, type: 'function', function: { name: block.toolUse.name, arguments: JSON.stringify(block.toolUse.input ?? {}) } })
    else if (block.reasoningContent?.reasoningText) {
      const { text: thought, signature } = block.reasoningContent.reasoningText
      reasoning = (reasoning ?? '') + thought
      thinking.push({ type: 'thinking', thinking: thought, ...(signature ? { signature } : {}) })
    } else if (block.reasoningContent?.redactedContent) thinking.push({ type: 'redacted_thinking', data: block.reasoningContent.redactedContent })
  }
  const message: AssistantMessage & { role: 'assistant'; thinking_blocks?: ThinkingBlock[] } = { role: 'assistant', content: text ?? (calls.length ? null : '') }
  if (reasoning !== undefined) message.reasoning_content = reasoning
  if (thinking.length) message.thinking_blocks = thinking
  if (calls.length) message.tool_calls = calls
  return message
}
