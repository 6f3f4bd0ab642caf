import { describe, expect, it } from 'vitest'
import type { ChatChunk, SseEvent } from '@sluice/sdk'
import { cohereChunks } from './stream.js'

const events = (...items: (object | string)[]): AsyncIterable<SseEvent> => ({
  async *[Symbol.asyncIterator]() {
    for (const item of items) {
      const data = typeof item === 'string' ? item : JSON.stringify(item)
      const event = typeof item === 'string' ? undefined : (item as { type?: string }).type
      yield { event, data, raw: `${event ? `event: ${event}\n` : ''}data: ${data}\n\n` }
    }
  },
})

async function run(...items: (object | string)[]): Promise<ChatChunk[]> {
  const out: ChatChunk[] = []
  for await (const chunk of cohereChunks(events(...items), 'cohere', 'command-a-reasoning-08-2025')) out.push(chunk)
  return out
}

const start = { id: 'abc', type: 'message-start', delta: { message: { role: 'assistant' } } }
const end = (finish_reason: string, extra: object = {}) => ({ type: 'message-end', delta: { finish_reason, ...extra } })

describe('Cohere v2 stream → chunks', () => {
  it('maps thinking to reasoning and text to content, ignoring structural events and [DONE]', async () => {
    const chunks = await run(
      start,
      { type: 'content-start', index: 0, delta: { message: { content: { type: 'thinking', thinking: '' } } } },
      { type: 'content-delta', index: 0, delta: { message: { content: { thinking: 'Let me think.' } } } },
      { type: 'content-end', index: 0 },
      { type: 'content-start', index: 1, delta: { message: { content: { type: 'text', text: '' } } } },
      { type: 'content-delta', index: 1, delta: { message: { content: { text: 'Done.' } } } },
      { type: 'debug', event_type: 'stream-start', prompt: '…' },
      end('STOP_SEQUENCE', { usage: { tokens: { input_tokens: 5, output_tokens: 2 } } }),
      '[DONE]',
    )
    expect(chunks.map((c) => c.choices[0]?.delta ?? null)).toEqual([{ role: 'assistant', content: '' }, { reasoning_content: 'Let me think.' }, { content: 'Done.' }, {}, null])
    expect(chunks[3].choices[0].finish_reason).toBe('stop')
    expect(chunks[4].usage).toEqual({ prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 })
    expect(chunks.every((c) => c.id === 'chatcmpl-abc')).toBe(true)
  })

  it('raises a message-end with ERROR, a cut stream and an event that is not JSON', async () => {
    await expect(run(start, end('ERROR', { error: 'model overloaded' }))).rejects.toMatchObject({ status: 502, type: 'provider_error', message: expect.stringContaining('model overloaded') })
    await expect(run(start, { type: 'content-delta', index: 0, delta: { message: { content: { text: 'Hi' } } } })).rejects.toMatchObject({ status: 502, message: expect.stringContaining('before the answer was complete') })
    await expect(run(start, '{nope')).rejects.toMatchObject({ type: 'provider_invalid_response' })
    await expect(run(start, { type: 'tool-call-delta', index: 3, delta: { message: { tool_calls: { function: { arguments: '{}' } } } } }, end('TOOL_CALL'))).rejects.toMatchObject({ type: 'provider_invalid_response' })
  })
})
