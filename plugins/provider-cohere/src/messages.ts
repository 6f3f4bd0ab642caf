import type { ChatMessage, ContentPart } from '@sluice/sdk'
import type { CohereImageContent, CohereMessage, CohereTextContent } from './types.js'
import { invalid, unsupported } from './unsupported.js'

/**
 * OpenAI messages → Cohere v2 messages. The roles match one to one (developer is system). An
 * assistant turn's `reasoning_content` next to tool calls goes back as Cohere's `tool_plan`, which
 * is where it came from (an explicit `tool_plan` field wins). Images go as `image_url` parts,
 * data: and https URLs alike.
 */
export function toCohereMessages(provider: string, messages: ChatMessage[]): CohereMessage[] {
  return messages.map((message, i): CohereMessage => {
    const at = `messages[${i}]`
    switch (message.role) {
      case 'system':
      case 'developer':
        return { role: 'system', content: text(message.content) }
      case 'user':
        return { role: 'user', content: userContent(provider, message.content, at) }
      case 'assistant': {
        const out: Extract<CohereMessage, { role: 'assistant' }> = { role: 'assistant' }
        const content = message.content == null ? '' : text(message.content)
        const calls = message.tool_calls ?? []
        if (content !== '' || !calls.length) out.content = content
        if (calls.length) {
          const plan = (message as { tool_plan?: unknown }).tool_plan ?? message.reasoning_content
          if (typeof plan === 'string' && plan) out.tool_plan = plan
          out.tool_calls = calls.map((call) => ({ id: call.id, type: 'function', function: { name: call.function.name, arguments: call.function.arguments || '{}' } }))
        }
        return out
      }
      case 'tool':
        return { role: 'tool', tool_call_id: message.tool_call_id, content: text(message.content) }
      default:
        throw invalid(`${at}.role`, `Unknown message role "${(message as { role: string }).role}"`)
    }
  })
}

/** Text content as Cohere takes it: a string stays a string, text parts stay parts. */
function text(content: string | { type: string; text?: string }[]): string | CohereTextContent[] {
  if (typeof content === 'string') return content
  return content.filter((p) => p.type === 'text').map((p) => ({ type: 'text', text: p.text ?? '' }))
}

function userContent(provider: string, content: string | ContentPart[], at: string): string | (CohereTextContent | CohereImageContent)[] {
  if (typeof content === 'string') return content
  return content.map((part, j) => {
    if (part.type === 'text') return { type: 'text', text: part.text }
    if (part.type === 'image_url') return { type: 'image_url', image_url: { url: part.image_url.url, ...(part.image_url.detail ? { detail: part.image_url.detail } : {}) } }
    throw unsupported(provider, `${at}.content[${j}].type`, `content parts of type "${part.type}" (Cohere takes text and images)`)
  })
}
