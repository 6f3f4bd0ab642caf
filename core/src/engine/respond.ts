import type { ServerResponse } from 'node:http'
import type { ChatChunk, ChatResponse, EmbeddingResponse } from '@sluice/sdk'
import type { SourcedChunk } from './dispatch.js'

/**
 * Writes respecting backpressure: waits for `drain`, or gives up when the client is gone.
 * Writes made in one tick are corked into one socket write (an upstream burst of SSE events
 * would otherwise cost one syscall and one chunk header each).
 */
export function write(res: ServerResponse, text: string | Uint8Array): Promise<void> | undefined {
  if (res.destroyed || text.length === 0) return undefined
  if (res.writableCorked === 0) {
    res.cork()
    process.nextTick(uncork, res)
  }
  if (res.write(text)) return undefined
  return drained(res)
}

/** Resolves on `drain` or `close`, whichever comes first, and leaves no listener behind. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done)
      res.off('close', done)
      resolve()
    }
    res.on('drain', done)
    res.on('close', done)
  })
}

function uncork(res: ServerResponse): void {
  while (res.writableCorked > 0) res.uncork()
}

/** A stream a plugin answered with may be a full response: replay it as chunks. */
export async function* responseAsChunks(response: ChatResponse): AsyncGenerator<SourcedChunk> {
  const base = { id: response.id, object: 'chat.completion.chunk' as const, created: response.created, model: response.model }
  for (const choice of response.choices) {
    const delta: ChatChunk['choices'][number]['delta'] = { role: 'assistant' }
    if (choice.message.content != null) delta.content = typeof choice.message.content === 'string' ? choice.message.content : choice.message.content.map((p) => p.text).join('')
    if (choice.message.tool_calls)
      delta.tool_calls = choice.message.tool_calls.map((call, index) => ({ index, id: call.id, type: 'function', function: { ...call.function } }))
    yield { chunk: { ...base, choices: [{ index: choice.index, delta, finish_reason: null }] } }
    yield { chunk: { ...base, choices: [{ index: choice.index, delta: {}, finish_reason: choice.finish_reason }] } }
  }
  if (response.usage) yield { chunk: { ...base, choices: [], usage: response.usage } }
}

export function isEmbeddingResponse(value: ChatResponse | EmbeddingResponse): value is EmbeddingResponse {
  return (value as EmbeddingResponse).object === 'list'
}
