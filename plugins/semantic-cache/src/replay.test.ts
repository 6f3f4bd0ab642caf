import { describe, expect, it } from 'vitest'
import { assembleChatResponse } from '@sluice/sdk'
import type { ChatChunk, ChatResponse } from '@sluice/sdk'
import { pieces, replayChunks } from './replay.js'

describe('replay', () => {
  it('splits text into pieces that join back exactly', () => {
    for (const text of ['', ' ', 'one', '  leading and trailing  ', 'a\nb\n\nc d e f g h i j k', 'x'.repeat(50)]) expect(pieces(text).join('')).toBe(text)
    expect(pieces('one two three four five six').length).toBe(2)
  })

  it('streams a cached answer that assembles back to it, usage last', async () => {
    const response: ChatResponse = {
      id: 'c1',
      object: 'chat.completion',
      created: 5,
      model: 'm',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Paris is the capital of France, on the Seine.' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 9, total_tokens: 12 },
    }
    const chunks: ChatChunk[] = []
    for await (const c of replayChunks(response)) chunks.push(c)
    expect(chunks.length).toBeGreaterThan(3)
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: response.usage })
    expect(chunks[0].choices[0].delta.role).toBe('assistant')
    const assembled = assembleChatResponse(chunks)
    expect(assembled.choices[0].message.content).toBe(response.choices[0].message.content)
    expect(assembled.choices[0].finish_reason).toBe('stop')
    expect(assembled.usage).toEqual(response.usage)
  })

  it('replays tool calls', async () => {
    const call = { id: 'call_1', type: 'function' as const, function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }
    const response: ChatResponse = { id: 'c', object: 'chat.completion', created: 0, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [call] }, finish_reason: 'tool_calls' }] }
    const chunks: ChatChunk[] = []
    for await (const c of replayChunks(response)) chunks.push(c)
    expect(assembleChatResponse(chunks).choices[0].message.tool_calls).toEqual([call])
  })

  it('keeps the logprobs of a cached answer, on the finish chunk', async () => {
    const logprobs = { content: [{ token: 'Hi', logprob: -0.1, bytes: [72, 105], top_logprobs: [] }, { token: '!', logprob: -0.3, bytes: [33], top_logprobs: [] }] }
    const response: ChatResponse = { id: 'c', object: 'chat.completion', created: 0, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'Hi!' }, finish_reason: 'stop', logprobs }] }
    const chunks: ChatChunk[] = []
    for await (const c of replayChunks(response)) chunks.push(c)
    const withLogprobs = chunks.filter((c) => c.choices[0]?.logprobs)
    expect(withLogprobs.map((c) => [c.choices[0].finish_reason, c.choices[0].logprobs])).toEqual([['stop', logprobs]])
  })
})
