import type { ImagePart } from '@sluice/sdk'
import type { SignedToolCall } from './contents.js'
import type { GeminiPart } from './types.js'
import { toolCallId } from './tool-ids.js'

/** What a run of Gemini parts says, in OpenAI terms. */
export interface ReadParts {
  text?: string
  reasoning?: string
  toolCalls: SignedToolCall[]
  /** Generated images (image models), in OpenRouter's `images` shape. */
  images: ImagePart[]
}

export interface PartsPlace {
  responseId?: string
  candidate: number
  /** How many function calls this candidate made before these parts (numbering goes on). */
  callsBefore: number
}

/**
 * Gemini parts → text, thought summaries, function calls (with synthesized ids and their thought
 * signature, carried as `extra_content.google.thought_signature` the way Google's OpenAI endpoint
 * does) and images. Code-execution parts become fenced text, so nothing the model produced is lost.
 */
export function readParts(parts: GeminiPart[] | undefined, place: PartsPlace): ReadParts {
  const out: ReadParts = { toolCalls: [], images: [] }
  const add = (key: 'text' | 'reasoning', value: string) => {
    out[key] = (out[key] ?? '') + value
  }
  for (const part of parts ?? []) {
    if (typeof part.text === 'string') add(part.thought ? 'reasoning' : 'text', part.text)
    else if (part.functionCall) {
      const { name, args, id } = part.functionCall
      const argsText = JSON.stringify(args ?? {})
      const call: SignedToolCall = {
        id: toolCallId(id, { responseId: place.responseId, candidate: place.candidate, position: place.callsBefore + out.toolCalls.length }, name, argsText),
        type: 'function',
        function: { name, arguments: argsText },
      }
      if (part.thoughtSignature) call.extra_content = { google: { thought_signature: part.thoughtSignature } }
      out.toolCalls.push(call)
    } else if (part.inlineData) out.images.push({ type: 'image_url', image_url: { url: `data:${part.inlineData.mimeType};base64,${part.inlineData.data}` } })
    else if (part.executableCode) add('text', `\n\`\`\`${(part.executableCode.language ?? '').toLowerCase()}\n${part.executableCode.code}\n\`\`\`\n`)
    else if (part.codeExecutionResult) add('text', `\n\`\`\`\n${part.codeExecutionResult.output ?? ''}\n\`\`\`\n`)
  }
  return out
}
