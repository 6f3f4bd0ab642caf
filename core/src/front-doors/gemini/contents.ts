import type { ChatMessage, ContentPart, TextPart, ToolCall, ToolMessage } from '@sluice/sdk'
import { invalid, isObject } from './invalid.js'
import type { GeminiPart } from './types.js'

/** A tool call with the Gemini thought signature it came with (Google's OpenAI-endpoint convention). */
type SignedToolCall = ToolCall & { extra_content?: { google: { thought_signature: string } } }

interface PendingCall {
  id: string
  name: string
}

/**
 * Gemini `contents` → OpenAI messages. `model` turns become assistant messages (function calls
 * as tool calls, thought summaries as reasoning_content); `user` turns become tool results for
 * their functionResponse parts, then a user message for the rest. A function response names
 * its function, not a call: it answers the call with its `id` when given, else the first
 * unanswered call of that name in the previous model turn (Gemini answers calls in order).
 */
export function toMessages(contents: unknown): ChatMessage[] {
  if (!Array.isArray(contents) || contents.length === 0) throw invalid('contents', '`contents` is required and must be a non-empty array')
  const messages: ChatMessage[] = []
  let pending: PendingCall[] = []
  contents.forEach((content: unknown, i) => {
    const at = `contents[${i}]`
    if (!isObject(content)) throw invalid(at, `${at} must be an object with \`role\` and \`parts\``)
    const parts = content.parts
    if (!Array.isArray(parts)) throw invalid(`${at}.parts`, `${at}.parts must be an array`)
    parts.forEach((p: unknown, k) => {
      if (!isObject(p)) throw invalid(`${at}.parts[${k}]`, `${at}.parts[${k}] must be an object`)
    })
    const role = content.role ?? 'user'
    if (role === 'model') {
      const message = assistantMessage(parts as GeminiPart[], at, i)
      pending = (message.tool_calls ?? []).map((c) => ({ id: c.id, name: c.function.name }))
      messages.push(message)
    } else if (role === 'user' || role === 'function') {
      messages.push(...userMessages(parts as GeminiPart[], at, pending, i))
      pending = []
    } else throw invalid(`${at}.role`, `${at}.role must be "user" or "model", not ${JSON.stringify(role)}`)
  })
  return messages
}

function assistantMessage(parts: GeminiPart[], at: string, turn: number): ChatMessage & { role: 'assistant' } {
  let text: string | undefined
  let reasoning: string | undefined
  const calls: SignedToolCall[] = []
  parts.forEach((part, k) => {
    const where = `${at}.parts[${k}]`
    if (typeof part.text === 'string') {
      if (part.thought) reasoning = (reasoning ?? '') + part.text
      else text = (text ?? '') + part.text
    } else if (isObject(part.functionCall)) {
      const { name, args, id } = part.functionCall
      if (typeof name !== 'string' || !name) throw invalid(`${where}.functionCall.name`, `${where}.functionCall.name is required`)
      const call: SignedToolCall = { id: typeof id === 'string' && id ? id : `call_${turn}_${calls.length}`, type: 'function', function: { name, arguments: JSON.stringify(args ?? {}) } }
      if (typeof part.thoughtSignature === 'string') call.extra_content = { google: { thought_signature: part.thoughtSignature } }
      calls.push(call)
    } else if (!('thoughtSignature' in part && Object.keys(part).length === 1))
      throw invalid(where, `${where}: model turns may hold text and functionCall parts only`)
  })
  const message: ChatMessage & { role: 'assistant' } = { role: 'assistant', content: text ?? null }
  if (reasoning !== undefined) message.reasoning_content = reasoning
  if (calls.length) message.tool_calls = calls
  return message
}

function userMessages(parts: GeminiPart[], at: string, pending: PendingCall[], turn: number): ChatMessage[] {
  const results: ToolMessage[] = []
  const content: ContentPart[] = []
  parts.forEach((part, k) => {
    const where = `${at}.parts[${k}]`
    if (typeof part.text === 'string') content.push({ type: 'text', text: part.text })
    else if (isObject(part.inlineData)) content.push(inlinePart(part.inlineData, `${where}.inlineData`))
    else if (isObject(part.fileData)) content.push(filePart(part.fileData, `${where}.fileData`))
    else if (isObject(part.functionResponse)) {
      const { name, response, id } = part.functionResponse
      if (typeof name !== 'string' || !name) throw invalid(`${where}.functionResponse.name`, `${where}.functionResponse.name is required`)
      let index = typeof id === 'string' ? pending.findIndex((c) => c.id === id) : -1
      if (index < 0) index = pending.findIndex((c) => c.name === name)
      // An answer to no call goes on with an id of its own; the upstream decides whether it minds.
      const callId = index >= 0 ? pending.splice(index, 1)[0].id : typeof id === 'string' && id ? id : `call_${turn}_${k}_${name}`
      results.push({ role: 'tool', tool_call_id: callId, content: JSON.stringify(response ?? {}) })
    } else throw invalid(where, `${where}: user parts may be text, inlineData, fileData or functionResponse`)
  })
  const out: ChatMessage[] = [...results]
  if (content.length) out.push({ role: 'user', content: content.length === 1 && content[0].type === 'text' ? (content[0] as TextPart).text : content })
  return out
}

function inlinePart(blob: Record<string, unknown>, at: string): ContentPart {
  const { mimeType, data } = blob
  if (typeof mimeType !== 'string' || typeof data !== 'string') throw invalid(at, `${at} needs \`mimeType\` and base64 \`data\``)
  if (mimeType.startsWith('image/')) return { type: 'image_url', image_url: { url: `data:${mimeType};base64,${data}` } }
  const audio = /^audio\/(wav|x-wav|mp3|mpeg)$/.exec(mimeType)
  if (audio) return { type: 'input_audio', input_audio: { data, format: audio[1].endsWith('wav') ? 'wav' : 'mp3' } }
  return { type: 'file', file: { file_data: `data:${mimeType};base64,${data}` } }
}

/**
 * A file by URI. Canonical parts carry no MIME type, and a URI often does not show one
 * (`…/files/abc`, signed URLs): then the client's type rides along as `mime_type`, which the
 * Gemini provider reads back.
 */
function filePart(file: Record<string, unknown>, at: string): ContentPart {
  const { mimeType, fileUri } = file
  if (typeof fileUri !== 'string' || !fileUri) throw invalid(`${at}.fileUri`, `${at}.fileUri is required`)
  const hint = typeof mimeType === 'string' && !extensionTells(fileUri, mimeType) ? { mime_type: mimeType } : {}
  if (typeof mimeType === 'string' && mimeType.startsWith('image/')) return { type: 'image_url', image_url: { url: fileUri, ...hint } }
  // Canonical has no URL file part: the URI stands in as the file id (the Gemini provider sends it back as fileData).
  return { type: 'file', file: { file_id: fileUri, ...hint } }
}

/** True when the URI's extension names the MIME type's subtype (cat.png for image/png). */
function extensionTells(uri: string, mimeType: string): boolean {
  const extension = /\.([A-Za-z0-9]+)(?:[?#]|$)/.exec(uri)?.[1]?.toLowerCase()
  const subtype = mimeType.split('/')[1]?.toLowerCase()
  return !!extension && !!subtype && (extension === subtype || (extension === 'jpg' && subtype === 'jpeg'))
}

/** `systemInstruction` (a Content, or plain text) as a system message. */
export function systemMessage(instruction: unknown): ChatMessage | undefined {
  if (instruction == null) return undefined
  if (typeof instruction === 'string') return { role: 'system', content: instruction }
  if (!isObject(instruction) || !Array.isArray(instruction.parts)) throw invalid('systemInstruction', '`systemInstruction` must be a Content with text parts')
  const texts: TextPart[] = instruction.parts.map((p: unknown, k) => {
    if (!isObject(p) || typeof p.text !== 'string') throw invalid(`systemInstruction.parts[${k}]`, `systemInstruction.parts[${k}] must be a text part`)
    return { type: 'text', text: p.text }
  })
  if (texts.length === 0) return undefined
  return { role: 'system', content: texts.length === 1 ? texts[0].text : texts }
}
