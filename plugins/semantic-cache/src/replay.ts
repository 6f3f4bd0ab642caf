import type { ChatChunk, ChatResponse } from '@sluice/sdk'

/** Text in pieces of up to four words, whitespace kept: joined, the pieces are the text. */
export function pieces(text: string): string[] {
  const parts = text.match(/\s*\S+(?:\s+\S+){0,3}\s*/g)
  return parts && parts.join('') === text ? parts : [text]
}

/**
 * A cached answer as a stream, shaped like an OpenAI stream: per choice a role chunk, the text in
 * word pieces, tool calls, a finish chunk (with the logprobs, when kept); then a usage chunk (the front door leaves it out
 * unless the client asked for `stream_options.include_usage`).
 */
export async function* replayChunks(response: ChatResponse): AsyncGenerator<ChatChunk> {
  const base = { id: response.id, object: 'chat.completion.chunk' as const, created: response.created, model: response.model, ...(response.system_fingerprint ? { system_fingerprint: response.system_fingerprint } : {}) }
  const chunk = (index: number, delta: ChatChunk['choices'][number]['delta'], finish: ChatResponse['choices'][number]['finish_reason'] = null): ChatChunk => ({
    ...base,
    choices: [{ index, delta, finish_reason: finish }],
  })
  for (const choice of response.choices) {
    const message = choice.message
    yield chunk(choice.index, { role: 'assistant', content: '' })
    if (typeof message.reasoning_content === 'string' && message.reasoning_content) yield chunk(choice.index, { reasoning_content: message.reasoning_content })
    const content = typeof message.content === 'string' ? message.content : Array.isArray(message.content) ? message.content.map((p) => p.text).join('') : ''
    if (content) for (const piece of pieces(content)) yield chunk(choice.index, { content: piece })
    if (typeof message.refusal === 'string' && message.refusal) yield chunk(choice.index, { refusal: message.refusal })
    if (message.tool_calls?.length)
      yield chunk(choice.index, { tool_calls: message.tool_calls.map((call, index) => ({ index, id: call.id, type: 'function' as const, function: { ...call.function } })) })
    // Logprobs follow tokens, not word pieces: the whole list rides on the finish chunk (clients
    // join each chunk's `logprobs.content`, so they end up with the original list).
    const finish = chunk(choice.index, {}, choice.finish_reason)
    if (choice.logprobs) finish.choices[0].logprobs = choice.logprobs
    yield finish
  }
  if (response.usage) yield { ...base, choices: [], usage: response.usage }
}
