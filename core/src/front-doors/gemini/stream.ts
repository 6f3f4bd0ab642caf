import type { ChatChunk, GatewayError, Usage } from '@sluice/sdk'
import type { StreamEncoder } from '../codec.js'
import { googleError } from './errors.js'
import { candidate, functionCallPart, responseId, toParts, usageMetadata } from './render.js'
import type { MessageLike } from './render.js'
import type { GeminiCandidate, GeminiPart, GenerateContentResponse } from './types.js'

/** `sse`: `?alt=sse` (data: events). `json`: Google's default, one JSON array written as it grows. */
export type StreamFraming = 'sse' | 'json'

interface BufferedCall {
  id?: string
  name: string
  arguments: string
  signature?: string
}

/**
 * Canonical chunks → Gemini stream events (each a GenerateContentResponse with the new parts).
 * Text goes out as it comes. A function call must go out whole, so tool-call fragments are
 * gathered until their choice finishes. The event that finishes a candidate is held until the
 * next chunk, so the usage chunk that follows it (OpenAI sends usage last) rides on it as
 * usageMetadata, where Gemini clients look for it.
 */
export class GeminiStreamEncoder implements StreamEncoder {
  readonly #framing: StreamFraming
  #model = ''
  #id = ''
  #opened = false
  #written = 0
  #calls = new Map<number, Map<number, BufferedCall>>()
  #held: GeminiCandidate[] = []
  #usage: Usage | undefined
  #usageSent = false

  constructor(framing: StreamFraming) {
    this.#framing = framing
  }

  chunk(chunk: ChatChunk): string {
    this.#model ||= chunk.model
    this.#id ||= chunk.id
    let out = this.#open()
    if (chunk.usage) this.#usage = chunk.usage
    const now: GeminiCandidate[] = []
    const finishing: GeminiCandidate[] = []
    for (const choice of chunk.choices ?? []) {
      const delta = choice.delta ?? {}
      this.#gather(choice.index, delta.tool_calls)
      const parts = toParts({ ...(delta as MessageLike), tool_calls: undefined })
      if (choice.finish_reason) finishing.push(candidate(choice.index, [...parts, ...this.#takeCalls(choice.index)], choice.finish_reason, choice.logprobs))
      else if (parts.length) now.push(candidate(choice.index, parts, null, choice.logprobs))
    }
    if (this.#held.length) {
      // A usage chunk (choices: []) completes the held event; any other chunk sends it as it is.
      out += this.#event(this.#held, !!chunk.usage && !now.length && !finishing.length)
      this.#held = []
    }
    this.#held = finishing
    if (now.length) out += this.#event(now, false)
    return out
  }

  end(): string {
    let out = this.#open()
    const leftovers = [...this.#calls.keys()].map((index) => candidate(index, this.#takeCalls(index), null)).filter((c) => c.content)
    const last = [...this.#held, ...leftovers]
    this.#held = []
    if (last.length || (this.#usage && !this.#usageSent)) out += this.#event(last, true)
    if (this.#framing === 'json') out += ']'
    return out
  }

  error(error: GatewayError): string {
    const body = JSON.stringify(googleError(error))
    if (this.#framing === 'sse') return `data: ${body}\r\n\r\n`
    // Inside the array when it was opened, else an array of its own.
    return this.#opened ? `${this.#written ? ',\r\n' : ''}${body}]` : `[${body}]`
  }

  #open(): string {
    if (this.#framing !== 'json' || this.#opened) return ''
    this.#opened = true
    return '['
  }

  #gather(index: number, deltas: ChatChunk['choices'][number]['delta']['tool_calls']): void {
    if (!deltas?.length) return
    let calls = this.#calls.get(index)
    if (!calls) this.#calls.set(index, (calls = new Map()))
    for (const d of deltas) {
      let call = calls.get(d.index)
      if (!call) calls.set(d.index, (call = { name: '', arguments: '' }))
      if (d.id) call.id = d.id
      if (d.function?.name) call.name += d.function.name
      if (d.function?.arguments) call.arguments += d.function.arguments
      const signature = (d as { extra_content?: { google?: { thought_signature?: string } } }).extra_content?.google?.thought_signature
      if (signature) call.signature = signature
    }
  }

  #takeCalls(index: number): GeminiPart[] {
    const calls = this.#calls.get(index)
    if (!calls) return []
    this.#calls.delete(index)
    return [...calls.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([, c]) => functionCallPart({ id: c.id ?? '', type: 'function', function: { name: c.name, arguments: c.arguments }, ...(c.signature ? { extra_content: { google: { thought_signature: c.signature } } } : {}) }))
  }

  #event(candidates: GeminiCandidate[], withUsage: boolean): string {
    const event: GenerateContentResponse = {}
    if (candidates.length) event.candidates = candidates
    if (withUsage && this.#usage) {
      event.usageMetadata = usageMetadata(this.#usage)
      this.#usageSent = true
    }
    event.modelVersion = this.#model
    event.responseId = responseId(this.#id)
    const json = JSON.stringify(event)
    if (this.#framing === 'sse') return `data: ${json}\r\n\r\n`
    return `${this.#written++ ? ',\r\n' : ''}${json}`
  }
}

