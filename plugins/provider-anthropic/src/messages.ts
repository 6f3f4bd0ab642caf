import type { ChatMessage, ToolCall } from '@sluice/sdk'
import { toBlocks } from './content.js'
import type { AnthropicBlock, AnthropicMessageParam, AnthropicTextBlock } from './types.js'
import { invalid, isObject, unsupported } from './unsupported.js'

/**
 * Thinking blocks as they came from Anthropic, signature included, on an assistant message
 * (LiteLLM's convention): Anthropic refuses a tool-use conversation with thinking on when the
 * turn's thinking comes back without its signature.
 */
export type ThinkingBlock = { type: 'thinking'; thinking: string; signature: string } | { type: 'redacted_thinking'; data: string }

type Turn = { role: 'user' | 'assistant'; blocks: AnthropicBlock[] }

/**
 * Canonical messages → Anthropic `system` and `messages`. System and developer messages go to
 * `system` in order, wherever they stood. Tool results become `tool_result` blocks of a user
 * turn; consecutive turns of one role are merged (Anthropic alternates user and assistant, and
 * wants a turn's tool results right after the tool calls).
 */
export function toAnthropicMessages(messages: ChatMessage[], provider: string): { system?: string | AnthropicTextBlock[]; messages: AnthropicMessageParam[] } {
  const system: AnthropicTextBlock[] = []
  const turns: Turn[] = []
  const push = (role: Turn['role'], blocks: AnthropicBlock[]) => {
    if (blocks.length === 0) return
    const last = turns.at(-1)
    if (last?.role === role) last.blocks.push(...blocks)
    else turns.push({ role, blocks })
  }
  messages.forEach((message, i) => {
    const at = `messages[${i}]`
    switch (message.role as string) {
      case 'system':
      case 'developer':
        for (const block of toBlocks(message.content, `${at}.content`, provider)) {
          if (block.type !== 'text') throw invalid(`${at}.content`, `${at}: system messages may hold text only`)
          system.push(block as AnthropicTextBlock)
        }
        break
      case 'user':
        push('user', toBlocks(message.content, `${at}.content`, provider))
        break
      case 'assistant':
        push('assistant', assistantBlocks(message as Extract<ChatMessage, { role: 'assistant' }>, at, provider))
        break
      case 'tool':
        push('user', [toolResult(message as Extract<ChatMessage, { role: 'tool' }>, at, provider)])
        break
      default:
        throw unsupported(provider, `${at}.role`, `messages with role "${String(message.role)}"; send tool results as role "tool"`)
    }
  })
  const out: { system?: string | AnthropicTextBlock[]; messages: AnthropicMessageParam[] } = { messages: turns.map(compact) }
  if (system.length === 1 && system[0].cache_control === undefined) out.system = system[0].text
  else if (system.length) out.system = system
  return out
}

/** A turn of one plain text block is sent as a string, as clients usually write it. */
function compact(turn: Turn): AnthropicMessageParam {
  const only = turn.blocks.length === 1 ? turn.blocks[0] : undefined
  if (only?.type === 'text' && Object.keys(only).length === 2) return { role: turn.role, content: only.text as string }
  return { role: turn.role, content: turn.blocks }
}

function assistantBlocks(message: Extract<ChatMessage, { role: 'assistant' }> & { thinking_blocks?: unknown }, at: string, provider: string): AnthropicBlock[] {
  const blocks: AnthropicBlock[] = []
  // Reasoning without a signature (another model's, or a client that kept only the text) cannot
  // go back as a thinking block; earlier reasoning is context the model does not need.
  if (Array.isArray(message.thinking_blocks))
    for (const block of message.thinking_blocks as ThinkingBlock[]) if (isObject(block) && (block.type === 'thinking' || block.type === 'redacted_thinking')) blocks.push({ ...block })
  blocks.push(...toBlocks(message.content, `${at}.content`, provider))
  message.tool_calls?.forEach((call, j) => blocks.push(toolUse(call, `${at}.tool_calls[${j}]`, provider)))
  return blocks
}

function toolUse(call: ToolCall, at: string, provider: string): AnthropicBlock {
  if (call.type !== undefined && call.type !== 'function') throw unsupported(provider, `${at}.type`, `tool calls of type "${String(call.type)}"`)
  if (!call.id) throw invalid(`${at}.id`, `${at}.id is required`)
  if (!call.function?.name) throw invalid(`${at}.function.name`, `${at}.function.name is required`)
  const text = call.function.arguments?.trim() || '{}'
  let input: unknown
  try {
    input = JSON.parse(text)
  } catch {
    input = undefined
  }
  if (!isObject(input)) throw invalid(`${at}.function.arguments`, `${at}.function.arguments must be a JSON object (Anthropic takes tool input as an object)`)
  return { type: 'tool_use', id: call.id, name: call.function.name, input }
}

function toolResult(message: Extract<ChatMessage, { role: 'tool' }> & { is_error?: unknown; cache_control?: unknown }, at: string, provider: string): AnthropicBlock {
  if (!message.tool_call_id) throw invalid(`${at}.tool_call_id`, `${at}.tool_call_id is required`)
  const block: AnthropicBlock = { type: 'tool_result', tool_use_id: message.tool_call_id }
  if (typeof message.content === 'string') block.content = message.content
  else block.content = toBlocks(message.content, `${at}.content`, provider)
  // Set by the Anthropic front door for a tool_result that reported an error.
  if (message.is_error === true) block.is_error = true
  if (message.cache_control !== undefined) block.cache_control = message.cache_control
  return block
}
