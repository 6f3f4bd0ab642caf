import type { ChatMessage, ChatRequest, EmbeddingRequest } from './types/openai.js'

/** Every text that goes up in a chat request: contents, tool results, tool-call arguments. */
export function chatTexts(body: ChatRequest): string[] {
  const out: string[] = []
  for (const message of body.messages ?? []) collectMessageTexts(message, out)
  return out
}

export function embeddingTexts(body: EmbeddingRequest): string[] {
  const input = body.input
  if (typeof input === 'string') return [input]
  if (Array.isArray(input)) return input.filter((item): item is string => typeof item === 'string')
  return []
}

function collectMessageTexts(message: ChatMessage, out: string[]): void {
  const content = (message as { content?: unknown }).content
  if (typeof content === 'string') out.push(content)
  else if (Array.isArray(content))
    for (const part of content) if (part && part.type === 'text' && typeof part.text === 'string') out.push(part.text)
  if (message.role === 'assistant' && message.tool_calls)
    for (const call of message.tool_calls) if (typeof call.function?.arguments === 'string') out.push(call.function.arguments)
}

/** Mask a secret for logs and admin answers: keeps a short prefix and suffix. */
export function maskSecret(secret: string): string {
  if (secret.length < 16) return '****'
  return `${secret.slice(0, 3)}…${secret.slice(-4)}`
}
