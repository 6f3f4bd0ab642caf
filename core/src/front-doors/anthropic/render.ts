import { randomUUID } from 'node:crypto'
import type { ChatResponse } from '@sluice/sdk'
import { isObject } from './errors.js'
import { stopReason, toAnthropicUsage } from './usage.js'

type Block = Record<string, unknown>

/**
 * A canonical chat completion → an Anthropic Message: thinking first (the signed blocks when the
 * upstream was Anthropic, else the reasoning text), then text, a refusal as text, then tool calls
 * as `tool_use` blocks with their arguments parsed. Anthropic has one answer per request: the
 * first choice.
 */
export function toAnthropicMessage(response: ChatResponse): Record<string, unknown> {
  const choice = response.choices?.[0]
  const message = (choice?.message ?? { role: 'assistant' }) as NonNullable<typeof choice>['message'] & { thinking_blocks?: unknown }
  const content: Block[] = []
  if (Array.isArray(message.thinking_blocks)) content.push(...message.thinking_blocks.filter(isObject))
  else if (message.reasoning_content) content.push({ type: 'thinking', thinking: message.reasoning_content, signature: '' })
  const text = typeof message.content === 'string' ? message.content : (message.content ?? []).map((p) => (p.type === 'text' ? p.text : '')).join('')
  if (text) content.push({ type: 'text', text })
  if (message.refusal) content.push({ type: 'text', text: message.refusal })
  for (const call of message.tool_calls ?? []) content.push({ type: 'tool_use', id: call.id, name: call.function.name, input: toolInput(call.function.arguments) })
  return {
    id: messageId(response.id),
    type: 'message',
    role: 'assistant',
    model: response.model,
    content,
    stop_reason: stopReason(choice?.finish_reason),
    stop_sequence: null,
    usage: toAnthropicUsage(response.usage),
  }
}

/** The upstream's id as it is (clients do not check Anthropic's `msg_` prefix); one is made when missing. */
export function messageId(id: string | undefined): string {
  return id || `msg_${randomUUID().replaceAll('-', '')}`
}

/** Tool input is an object in Anthropic's format; arguments that do not parse are kept as text under `_raw`. */
export function toolInput(args: string | undefined): Record<string, unknown> {
  if (!args?.trim()) return {}
  try {
    const value: unknown = JSON.parse(args)
    return isObject(value) ? value : { _raw: args }
  } catch {
    return { _raw: args }
  }
}
