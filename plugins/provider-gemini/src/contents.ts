import type { ChatMessage, ContentPart, TextPart, ToolCall } from '@sluice/sdk'
import type { GeminiContent, GeminiPart } from './types.js'
import { parseDataUrl, mimeFromUrl, urlPart } from './media.js'
import { invalid, unsupported } from './unsupported.js'

/**
 * Google's documented stand-in for a missing thought signature, for function calls Gemini did not
 * make (history from another model, or a client that dropped the signature). Gemini 3 refuses a
 * function call in history without a signature.
 */
export const SKIP_SIGNATURE = 'skip_thought_signature_validator'

/** Where a thought signature travels on an OpenAI tool call (as Google's own OpenAI endpoint does). */
export interface SignedToolCall extends ToolCall {
  extra_content?: { google?: { thought_signature?: string } }
}

/**
 * OpenAI messages → Gemini `systemInstruction` and `contents`. System and developer messages
 * become the system instruction (Gemini has one, so later ones are appended to it); tool results
 * become `functionResponse` parts named after the call they answer; consecutive turns of one role
 * are merged, as Gemini expects user and model turns to alternate.
 */
export function toContents(provider: string, messages: ChatMessage[]): { systemInstruction?: GeminiContent; contents: GeminiContent[] } {
  const system: GeminiPart[] = []
  const contents: GeminiContent[] = []
  const callNames = new Map<string, string>()
  const push = (role: 'user' | 'model', parts: GeminiPart[]) => {
    if (parts.length === 0) return
    const last = contents[contents.length - 1]
    if (last?.role === role) last.parts.push(...parts)
    else contents.push({ role, parts })
  }
  messages.forEach((message, i) => {
    const at = `messages[${i}]`
    if ('name' in message && message.name != null)
      throw unsupported(provider, `${at}.name`, 'Gemini has no participant names; put the name in the text')
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(...textParts(provider, message.content, `${at}.content`))
        return
      case 'user':
        push('user', userParts(provider, message.content, `${at}.content`))
        return
      case 'assistant': {
        const parts = textParts(provider, message.content ?? null, `${at}.content`)
        if (message.refusal) parts.push({ text: message.refusal })
        // reasoning_content is not sent back: Gemini carries its reasoning in thought signatures.
        const calls = (message.tool_calls ?? []) as SignedToolCall[]
        const signed = calls.some((c) => c.extra_content?.google?.thought_signature)
        calls.forEach((call, j) => {
          callNames.set(call.id, call.function.name)
          const part: GeminiPart = { functionCall: { name: call.function.name, args: parseArguments(call.function.arguments, `${at}.tool_calls[${j}].function.arguments`) } }
          const signature = call.extra_content?.google?.thought_signature ?? (!signed && j === 0 ? SKIP_SIGNATURE : undefined)
          if (signature) part.thoughtSignature = signature
          parts.push(part)
        })
        push('model', parts)
        return
      }
      case 'tool': {
        const name = callNames.get(message.tool_call_id)
        if (!name) throw invalid(`${at}.tool_call_id`, `${at}.tool_call_id "${message.tool_call_id}" answers no tool call of an earlier assistant message (Gemini needs the function's name)`)
        push('user', [{ functionResponse: { name, response: toolResponse(contentText(message.content)) } }])
        return
      }
      default:
        throw invalid(`${at}.role`, `${at}.role "${(message as { role: string }).role}" is not supported`)
    }
  })
  return { systemInstruction: system.length ? { parts: system } : undefined, contents }
}

function contentText(content: string | TextPart[]): string {
  return typeof content === 'string' ? content : content.map((p) => p.text).join('')
}

function textParts(provider: string, content: string | TextPart[] | null, param: string): GeminiPart[] {
  if (content == null) return []
  if (typeof content === 'string') return content ? [{ text: content }] : []
  return content.map((part, k) => {
    if (part.type !== 'text') throw unsupported(provider, `${param}[${k}]`, `only text parts are allowed here, not "${(part as { type: string }).type}"`)
    return { text: part.text }
  }).filter((p) => p.text)
}

function userParts(provider: string, content: string | ContentPart[], param: string): GeminiPart[] {
  if (typeof content === 'string') return content ? [{ text: content }] : []
  const parts: GeminiPart[] = []
  content.forEach((part, k) => {
    const at = `${param}[${k}]`
    switch (part.type) {
      case 'text':
        if (part.text) parts.push({ text: part.text })
        return
      case 'image_url':
        parts.push(urlPart(provider, part.image_url.url, `${at}.image_url.url`, 'image', mimeHint(part.image_url)))
        return
      case 'input_audio':
        parts.push({ inlineData: { mimeType: `audio/${part.input_audio.format}`, data: part.input_audio.data } })
        return
      case 'file': {
        const { file_data: data, file_id: id } = part.file
        if (data) {
          const inline = data.startsWith('data:') ? parseDataUrl(data) : undefined
          if (!inline) throw unsupported(provider, `${at}.file.file_data`, 'send the file as a base64 data: URL (data:<mime>;base64,...)')
          parts.push({ inlineData: inline })
        } else if (id) {
          // A Gemini Files API URI (or a gs:// / https URL) stands in for OpenAI's file id.
          const mimeType = mimeHint(part.file) ?? mimeFromUrl(id)
          parts.push({ fileData: mimeType ? { mimeType, fileUri: id } : { fileUri: id } })
        } else throw invalid(`${at}.file`, `${at}.file needs file_data or file_id`)
        return
      }
      default:
        throw unsupported(provider, `${at}.type`, `content parts of type "${(part as { type: string }).type}" have no Gemini equivalent`)
    }
  })
  return parts
}

/** A MIME type passed along on a canonical part (the Gemini front door sets it when a URI hides it). */
function mimeHint(inner: object): string | undefined {
  const value = (inner as { mime_type?: unknown }).mime_type
  return typeof value === 'string' && value ? value : undefined
}

function parseArguments(text: string, param: string): Record<string, unknown> {
  let value: unknown
  try {
    value = text ? JSON.parse(text) : {}
  } catch {
    throw invalid(param, `${param} is not valid JSON`)
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalid(param, `${param} must be a JSON object for Gemini`)
  return value as Record<string, unknown>
}

/**
 * A tool result as Gemini's `response` object: a JSON object goes as it is; anything else is
 * wrapped as `{ output }`, the key Gemini documents for a function's output.
 */
export function toolResponse(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text)
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>
    return { output: value }
  } catch {
    return { output: text }
  }
}
