import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { ChatChunk, SseEvent } from '@sluice/sdk'
import { assembleChatResponse } from '@sluice/sdk'
import { geminiChunks, geminiFacts } from './stream.js'
import { fromGenerateContent } from './response.js'

const fixtureEvents = (name: string): SseEvent[] =>
  readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')
    .split('\r\n\r\n')
    .filter(Boolean)
    .map((raw) => ({ data: raw.slice('data: '.length), raw: `${raw}\r\n\r\n` }))

const events = (...items: unknown[]): AsyncIterable<SseEvent> => ({
  async *[Symbol.asyncIterator]() {
    for (const item of items) {
      const data = typeof item === 'string' ? item : JSON.stringify(item)
      yield { data, raw: `data: ${data}\r\n\r\n` }
    }
  },
})

async function collect(iterable: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const out: ChatChunk[] = []
  for await (const c of iterable) out.push(c)
  return out
}

const run = (items: unknown[]) => collect(geminiChunks(events(...items), 'gemini', 'gemini-2.5-flash'))
const text = (t: string, extra: object = {}) => ({ candidates: [{ content: { role: 'model', parts: [{ text: t }] }, index: 0, ...extra }], responseId: 'r1', modelVersion: 'gemini-2.5-flash' })
const usage = { promptTokenCount: 4, candidatesTokenCount: 3, totalTokenCount: 7 }

describe('Gemini SSE → chunks', () => {
  it('streams the published Vertex sample: role first, text deltas, then a usage chunk', async () => {
    const chunks = await collect(geminiChunks({ async *[Symbol.asyncIterator]() { yield* fixtureEvents('vertex-stream.sse') } }, 'vertex', 'gemini-3.1-flash-lite-preview'))
    expect(chunks.slice(0, 4).map((c) => c.choices[0].delta)).toEqual([{ role: 'assistant', content: 'Hello!' }, { content: ' How can I help you today' }, { content: '?' }, { content: '' }])
    expect(chunks.slice(0, 4).map((c) => c.choices[0].finish_reason)).toEqual([null, null, null, 'stop'])
    // Vertex sends `{trafficType}` alone mid-stream: usage comes once, last, as OpenAI sends it.
    expect(chunks.slice(0, 4).every((c) => c.usage === undefined)).toBe(true)
    expect(chunks[4]).toMatchObject({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 9, total_tokens: 10 } })
    expect(chunks[0]).toMatchObject({ id: 'chatcmpl-tTCwacuEBMvnitYP06qsgQY', object: 'chat.completion.chunk', model: 'gemini-3.1-flash-lite-preview', created: Math.floor(Date.parse('2026-03-10T14:54:45.066123Z') / 1000) })
  })

  it('ends with the latest counts, also when they come after the finish', async () => {
    const chunks = await run([{ ...text('Hi', { finishReason: 'STOP' }), usageMetadata: { promptTokenCount: 4, totalTokenCount: 4 } }, { usageMetadata: usage }])
    expect(chunks).toHaveLength(2)
    expect(chunks[0].usage).toBeUndefined()
    expect(chunks[1]).toMatchObject({ choices: [], usage: { prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 } })
  })

  it('gives streamed function calls the same ids as the same answer unstreamed', async () => {
    const answer = JSON.parse(readFileSync(new URL('../fixtures/function-calls.json', import.meta.url), 'utf8'))
    const parts = answer.candidates[0].content.parts
    const chunks = await run([
      { ...answer, candidates: [{ content: { role: 'model', parts: [parts[0]] }, index: 0 }] },
      { ...answer, candidates: [{ content: { role: 'model', parts: [parts[1]] }, finishReason: 'STOP', index: 0 }] },
    ])
    const streamed = assembleChatResponse(chunks)
    const plain = fromGenerateContent(answer, 'gemini', 'm')
    expect(streamed.choices[0].finish_reason).toBe('tool_calls')
    expect(streamed.choices[0].message.tool_calls!.map((c) => c.id)).toEqual(plain.choices[0].message.tool_calls!.map((c) => c.id))
    expect(chunks[1].choices[0].delta.tool_calls![0].index).toBe(1)
  })

  it('keeps candidates apart and reports a blocked prompt', async () => {
    const two = await run([{ candidates: [{ content: { parts: [{ text: 'a' }] }, index: 0 }, { content: { parts: [{ text: 'b' }] }, index: 1, finishReason: 'STOP' }] }, { candidates: [{ content: { parts: [{ text: 'c' }] }, index: 0, finishReason: 'MAX_TOKENS' }] }])
    const assembled = assembleChatResponse(two)
    expect(assembled.choices.map((c) => [c.message.content, c.finish_reason])).toEqual([['ac', 'length'], ['b', 'stop']])
    const blocked = await run([{ promptFeedback: { blockReason: 'SAFETY' } }])
    expect(blocked[0].choices[0]).toEqual({ index: 0, delta: { role: 'assistant' }, finish_reason: 'content_filter' })
  })

  it('raises an error event, a stream cut before its finish, and an event that is not JSON', async () => {
    await expect(run([text('Hi'), { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } }])).rejects.toMatchObject({ status: 503, type: 'provider_unavailable', message: expect.stringContaining('mid-stream') })
    await expect(run([text('Hi')])).rejects.toMatchObject({ status: 502, type: 'provider_error', message: expect.stringContaining('before the answer was complete') })
    await expect(run(['{nope'])).rejects.toMatchObject({ type: 'provider_invalid_response' })
  })
})

describe('stream facts for the byte pass-through path', () => {
  const fact = (value: unknown) => geminiFacts({ data: JSON.stringify(value), raw: '' }, 'gemini')

  it('skips plain text events without parsing, reads counts, finish and errors', () => {
    expect(fact(text('a "finishReason" inside the text is escaped'))).toBeUndefined()
    expect(fact({ ...text('x', { finishReason: 'STOP' }), usageMetadata: usage })).toEqual({ usage: { prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 }, finishReason: 'stop' })
    expect(fact({ candidates: [{ content: { parts: [{ functionCall: { name: 'f', args: {} } }] }, finishReason: 'STOP' }] })).toEqual({ finishReason: 'tool_calls' })
    expect(fact({ error: { code: 429, message: 'slow down', status: 'RESOURCE_EXHAUSTED' } })!.error).toMatchObject({ status: 429, type: 'provider_rate_limited' })
  })
})
