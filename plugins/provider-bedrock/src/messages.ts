import type { ChatMessage, ContentPart } from '@sluice/sdk'
import type { ContentBlock, ConverseMessage, SystemBlock } from './types.js'
import { documentBlock, imageBlock } from './media.js'
import { invalid, unsupported } from './unsupported.js'

/** Fields other front doors leave on messages and parts (the Anthropic one: prompt caching, thinking). */
type Extras = { cache_control?: unknown; thinking_blocks?: unknown; is_error?: unknown }

const CACHE_POINT: ContentBlock = { cachePoint: { type: 'default' } }

/**
 * OpenAI messages → Converse `system` blocks and `messages`. System and developer messages become
 * system blocks, in order; tool results become `toolResult` blocks of a user turn; consecutive
 * turns of one role are merged (Converse wants user and assistant to alternate). A part marked
 * `cache_control` (Anthropic clients) is followed by a `cachePoint`; Anthropic thinking blocks in
 * the history go back as `reasoningContent` with their signatures.
 */
export function toConverseMessages(provider: string, messages: ChatMessage[]): { system: SystemBlock[]; messages: ConverseMessage[] } {
  const system: SystemBlock[] = []
  const out: ConverseMessage[] = []
  const push = (role: ConverseMessage['role'], blocks: ContentBlock[]) => {
    if (!blocks.length) return
    const last = out.at(-1)
    if (last?.role === role) last.content.push(...blocks)
    else out.push({ role, content: blocks })
  }
  messages.forEach((message, i) => {
    const at = `messages[${i}]`
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(...(textBlocks(message.content) as SystemBlock[]))
        return
      case 'user':
        return push('user', userBlocks(provider, message.content, at))
      case 'assistant':
        return push('assistant', assistantBlocks(message, at))
      case 'tool': {
        const extras = message as Extras
        const text = typeof message.content === 'string' ? message.content : message.content.map((p) => p.text).join('')
        const blocks: ContentBlock[] = [{ toolResult: { toolUseId: message.tool_call_id, content: text ? [{ text }] : [], ...(extras.is_error === true ? { status: 'error' as const } : {}) } }]
        if (extras.cache_control !== undefined) blocks.push(CACHE_POINT)
        return push('user', blocks)
      }
      default:
        throw invalid(`${at}.role`, `Unknown message role "${(message as { role: string }).role}"`)
    }
  })
  return { system, messages: out }
}

function textBlocks(content: string | { type: string; text?: string }[] | null | undefined): ContentBlock[] {
  if (content == null) return []
  if (typeof content === 'string') return content ? [{ text: content }] : []
  const blocks: ContentBlock[] = []
  for (const part of content) {
    if (part.type !== 'text' || !part.text) continue
    blocks.push({ text: part.text })
    if ((part as Extras).cache_control !== undefined) blocks.push(CACHE_POINT)
  }
  return blocks
}

function userBlocks(provider: string, content: string | ContentPart[], at: string): ContentBlock[] {
  if (typeof content === 'string') return content ? [{ text: content }] : []
  const blocks: ContentBlock[] = []
  content.forEach((part, j) => {
    const param = `${at}.content[${j}]`
    if (part.type === 'text') {
      if (part.text) blocks.push({ text: part.text })
    } else if (part.type === 'image_url') blocks.push({ image: imageBlock(provider, part.image_url?.url ?? '', `${param}.image_url`) })
    else if (part.type === 'file') blocks.push({ document: documentBlock(provider, part.file ?? {}, `${param}.file`, j) })
    else throw unsupported(provider, `${param}.type`, `content parts of type "${(part as { type: string }).type}"`)
    if ((part as Extras).cache_control !== undefined && blocks.length) blocks.push(CACHE_POINT)
  })
  return blocks
}

function assistantBlocks(message: Extract<ChatMessage, { role: 'assistant' }>, at: string): ContentBlock[] {
  const blocks: ContentBlock[] = [...reasoningBlocks((message as Extras).thinking_blocks)]
  blocks.push(...textBlocks(message.content))
  for (const [k, call] of (message.tool_calls ?? []).entries()) {
    const args = call.function?.arguments ?? ''
    let input: unknown = {}
    if (args.trim()) {
      try {
        input = JSON.parse(args)
      } catch {
        throw invalid(`${at}.tool_calls[${k}].function.arguments`, 'Tool-call arguments must be JSON (Bedrock takes them as an object)')
      }
    }
    blocks.push({ toolUse: { toolUseId: call.id, name: call.function.name, input } })
  }
  return blocks
}

/**
 * Anthropic thinking blocks (kept by the Anthropic front door) as Converse reasoning blocks:
 * Claude refuses a tool-use history whose thinking comes back without its signature. Plain
 * `reasoning_content` has no signature and is not sent back.
 */
function reasoningBlocks(thinking: unknown): ContentBlock[] {
  if (!Array.isArray(thinking)) return []
  const blocks: ContentBlock[] = []
  for (const block of thinking as { type?: string; thinking?: unknown; signature?: unknown; data?: unknown }[]) {
    if (block?.type === 'thinking' && typeof block.thinking === 'string')
      blocks.push({ reasoningContent: { reasoningText: { text: block.thinking, ...(typeof block.signature === 'string' ? { signature: block.signature } : {}) } } })
    else if (block?.type === 'redacted_thinking' && typeof block.data === 'string') blocks.push({ reasoningContent: { redactedContent: block.data } })
  }
  return blocks
}
