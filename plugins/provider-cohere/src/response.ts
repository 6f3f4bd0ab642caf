import { randomUUID } from 'node:crypto'
import { GatewayError } from '@sluice/sdk'
import type { AssistantMessage, ChatResponse } from '@sluice/sdk'
import type { CohereChatResponse } from './types.js'
import { finishReason } from './finish-reason.js'
import { usageFrom } from './usage.js'

/** The OpenAI-style id of a Cohere answer. */
export function completionId(id: string | undefined): string {
  return `chatcmpl-${id ?? randomUUID()}`
}

/**
 * A Cohere v2 chat answer as an OpenAI chat completion: text parts joined into `content`, thinking
 * parts and the `tool_plan` as `reasoning_content`, tool calls as they are (Cohere's ids), and
 * `citations` kept on the message when Cohere grounded the answer in documents.
 *
 * @example
 * fromCohereChat({ id: 'c1', finish_reason: 'COMPLETE', message: { role: 'assistant', content: [{ type: 'text', text: 'Hi' }] } }, 'cohere', 'command-a-03-2025')
 */
export function fromCohereChat(body: unknown, provider: string, model: string): ChatResponse {
  const res = body as CohereChatResponse | null
  if (!res || typeof res !== 'object' || !res.message || typeof res.message !== 'object')
    throw new GatewayError(502, 'provider_invalid_response', `Provider "${provider}" answered without a message`)
  const finish = finishReason(res.finish_reason, provider) ?? 'stop'
  const parts = res.message.content ?? []
  const text = parts.filter((p) => p.type === 'text').map((p) => p.text ?? '').join('')
  const thinking = parts.filter((p) => p.type === 'thinking').map((p) => p.thinking ?? '').join('')
  const reasoning = [thinking, res.message.tool_plan ?? ''].filter(Boolean).join('\n\n')
  const calls = res.message.tool_calls ?? []
  const message: AssistantMessage & { role: 'assistant'; citations?: unknown[] } = { role: 'assistant', content: text || (calls.length ? null : '') }
  if (reasoning) message.reasoning_content = reasoning
  if (calls.length) message.tool_calls = calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.function.name, arguments: c.function.arguments || '{}' } }))
  if (res.message.citations?.length) message.citations = res.message.citations
  const response: ChatResponse = { id: completionId(res.id), object: 'chat.completion', created: Math.floor(Date.now() / 1000), model, choices: [{ index: 0, message, finish_reason: finish }] }
  const usage = usageFrom(res.usage)
  if (usage) response.usage = usage
  return response
}
