import type { ChatMessage, ContentPart, TextPart, ToolCall, ToolMessage } from '@sluice/sdk'
import { invalid, isObject } from './errors.js'

type Block = Record<string, unknown> & { type: string }
type Part = ContentPart | Block

/**
 * Anthropic `system` and `messages` → canonical messages. A user turn's `tool_result` blocks
 * become tool messages (before the rest of the turn, as OpenAI orders them); an assistant turn's
 * `tool_use` blocks become tool calls, thinking becomes `reasoning_content` with the signed
 * blocks kept in `thinking_blocks`. `cache_control` stays on its part (LiteLLM's convention).
 * Blocks with no OpenAI counterpart (documents with citations, search results, server-tool
 * blocks …) are carried as parts of their own type: the Anthropic provider sends them back as
 * they were, other providers refuse them.
 */
export function toCanonicalMessages(system: unknown, messages: Record<string, unknown>[]): ChatMessage[] {
  const out: ChatMessage[] = []
  if (system !== undefined) {
    const content = systemContent(system, 'system')
    if (content) out.push({ role: 'system', content })
  }
  messages.forEach((message, i) => {
    const at = `messages.${i}`
    const content = message.content as string | Block[]
    switch (message.role) {
      case 'system': {
        const text = systemContent(content, `${at}.content`)
        if (text) out.push({ role: 'system', content: text })
        break
      }
      case 'assistant':
        out.push(assistantMessage(content, at))
        break
      default:
        out.push(...userMessages(content, at))
    }
  })
  return out
}

function systemContent(value: unknown, at: string): string | TextPart[] | undefined {
  if (typeof value === 'string') return value || undefined
  const parts = (value as Block[]).map((block, k) => {
    if (block.type !== 'text') throw invalid(`${at}.${k}.type`, "Input should be 'text'")
    return textPart(block, `${at}.${k}`)
  })
  if (parts.length === 0) return undefined
  return parts.length === 1 && Object.keys(parts[0]).length === 2 ? parts[0].text : parts
}

function userMessages(content: string | Block[], at: string): ChatMessage[] {
  if (typeof content === 'string') return [{ role: 'user', content }]
  const results: ToolMessage[] = []
  const parts: Part[] = []
  content.forEach((block, k) => {
    if (block.type === 'tool_result') results.push(toolResult(block, `${at}.content.${k}`))
    else parts.push(userPart(block, `${at}.content.${k}`))
  })
  const out: ChatMessage[] = [...results]
  if (parts.length) out.push({ role: 'user', content: compact(parts) as ContentPart[] })
  return out
}

function assistantMessage(content: string | Block[], at: string): ChatMessage {
  if (typeof content === 'string') return { role: 'assistant', content }
  const parts: Part[] = []
  const calls: ToolCall[] = []
  const thinking: Block[] = []
  let reasoning: string | undefined
  content.forEach((block, k) => {
    const where = `${at}.content.${k}`
    if (block.type === 'text') parts.push(textPart(block, where))
    else if (block.type === 'tool_use') {
      if (typeof block.id !== 'string' || typeof block.name !== 'string') throw invalid(where, 'a tool_use block needs `id` and `name`')
      calls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } })
    } else if (block.type === 'thinking') {
      reasoning = (reasoning ?? '') + String(block.thinking ?? '')
      thinking.push(block)
    } else if (block.type === 'redacted_thinking') thinking.push(block)
    else parts.push(block)
  })
  // Plain text blocks read as one string (Anthropic concatenates them too).
  const plain = parts.every((p) => p.type === 'text' && Object.keys(p).length === 2)
  const text = plain ? parts.map((p) => (p as TextPart).text).join('') : (parts as TextPart[])
  const message: ChatMessage & { role: 'assistant'; thinking_blocks?: Block[] } = { role: 'assistant', content: parts.length ? text : null }
  if (reasoning !== undefined) message.reasoning_content = reasoning
  if (thinking.length) message.thinking_blocks = thinking
  if (calls.length) message.tool_calls = calls
  return message
}

function toolResult(block: Block, at: string): ToolMessage {
  if (typeof block.tool_use_id !== 'string' || !block.tool_use_id) throw invalid(`${at}.tool_use_id`, 'Field required')
  const content = block.content
  const message: ToolMessage & { is_error?: true; cache_control?: unknown } = {
    role: 'tool',
    tool_call_id: block.tool_use_id,
    // Images in a result ride as parts; the Anthropic provider sends them back as image blocks.
    content: content == null ? '' : typeof content === 'string' ? content : ((content as Block[]).map((b, k) => userPart(b, `${at}.content.${k}`)) as TextPart[]),
  }
  if (block.is_error === true) message.is_error = true
  if (block.cache_control !== undefined) message.cache_control = block.cache_control
  return message
}

/** Simple shapes in OpenAI terms; anything richer stays an Anthropic block. */
function userPart(block: Block, at: string): Part {
  const extras = Object.keys(block).filter((k) => k !== 'type' && k !== 'source' && k !== 'cache_control' && k !== 'text' && k !== 'title')
  const cache = block.cache_control !== undefined ? { cache_control: block.cache_control } : {}
  if (block.type === 'text') return textPart(block, at)
  const source = isObject(block.source) ? block.source : undefined
  if (!source || extras.length) return block
  if (block.type === 'image') {
    if (source.type === 'base64') return { type: 'image_url', image_url: { url: `data:${String(source.media_type)};base64,${String(source.data)}` }, ...cache }
    if (source.type === 'url') return { type: 'image_url', image_url: { url: String(source.url) }, ...cache }
  }
  if (block.type === 'document') {
    const filename = typeof block.title === 'string' ? { filename: block.title } : {}
    if (source.type === 'base64' && source.media_type === 'application/pdf')
      return { type: 'file', file: { file_data: `data:application/pdf;base64,${String(source.data)}`, ...filename }, ...cache }
    if (source.type === 'text' && typeof source.data === 'string')
      return { type: 'file', file: { file_data: `data:text/plain;base64,${Buffer.from(source.data).toString('base64')}`, ...filename }, ...cache }
  }
  return block
}

function textPart(block: Block, at: string): TextPart {
  if (typeof block.text !== 'string') throw invalid(`${at}.text`, 'Field required')
  const part: TextPart & { cache_control?: unknown } = { type: 'text', text: block.text }
  if (block.cache_control !== undefined) part.cache_control = block.cache_control
  return part
}

/** One plain text part reads as a string, as OpenAI clients write it. */
function compact(parts: Part[]): string | Part[] {
  const only = parts.length === 1 ? (parts[0] as Block) : undefined
  return only?.type === 'text' && Object.keys(only).length === 2 ? String(only.text) : parts
}
