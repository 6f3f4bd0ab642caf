import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fromCohereChat } from './response.js'
import { finishReason } from './finish-reason.js'

const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'))

describe('Cohere v2 answer → chat completion', () => {
  it('maps the published text answer, counts from `tokens`, billed units kept', () => {
    const r = fromCohereChat(fixture('chat-text.json'), 'cohere', 'command-a-03-2025')
    expect(r).toMatchObject({ id: 'chatcmpl-c14c80c3-18eb-4519-9460-6c92edd8cfb4', object: 'chat.completion', model: 'command-a-03-2025' })
    expect(r.choices).toEqual([{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: expect.stringMatching(/^LLMs stand for Large Language Models/) } }])
    expect(r.usage).toEqual({ prompt_tokens: 212, completion_tokens: 29, total_tokens: 241, billed_units: { input_tokens: 17, output_tokens: 29 } })
  })

  it('maps the published tool-call answer: the plan as reasoning, Cohere ids', () => {
    const r = fromCohereChat(fixture('chat-tool.json'), 'cohere', 'm')
    expect(r.choices[0]).toEqual({
      index: 0,
      finish_reason: 'tool_calls',
      message: {
        role: 'assistant',
        content: null,
        reasoning_content: 'I will search for the weather in Madrid and Brasilia.',
        tool_calls: [
          { id: 'get_weather_p1t92w7gfgq7', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Madrid"}' } },
          { id: 'get_weather_ay6nmvjgp9vn', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Brasilia"}' } },
        ],
      },
    })
  })

  it('maps thinking, citations and cached tokens', () => {
    const r = fromCohereChat(
      { id: 'x', finish_reason: 'MAX_TOKENS', message: { role: 'assistant', content: [{ type: 'thinking', thinking: 'Hmm.' }, { type: 'text', text: 'Gyms are free' }], citations: [{ start: 0, end: 4, text: 'Gyms' }] }, usage: { tokens: { input_tokens: 10, output_tokens: 3 }, cached_tokens: 8 } },
      'cohere',
      'm',
    )
    expect(r.choices[0]).toEqual({ index: 0, finish_reason: 'length', message: { role: 'assistant', content: 'Gyms are free', reasoning_content: 'Hmm.', citations: [{ start: 0, end: 4, text: 'Gyms' }] } })
    expect(r.usage).toEqual({ prompt_tokens: 10, completion_tokens: 3, total_tokens: 13, prompt_tokens_details: { cached_tokens: 8 } })
  })

  it('maps finish reasons; ERROR and TIMEOUT are failures', () => {
    expect(['COMPLETE', 'STOP_SEQUENCE', 'MAX_TOKENS', 'TOOL_CALL', undefined].map((r) => finishReason(r, 'cohere'))).toEqual(['stop', 'stop', 'length', 'tool_calls', null])
    expect(() => fromCohereChat({ id: 'x', finish_reason: 'ERROR', message: { role: 'assistant', content: [] } }, 'cohere', 'm')).toThrow(expect.objectContaining({ status: 502, type: 'provider_error' }))
    expect(() => finishReason('TIMEOUT', 'cohere')).toThrow(expect.objectContaining({ status: 504, type: 'provider_timeout' }))
    expect(() => fromCohereChat({ id: 'x' }, 'cohere', 'm')).toThrow(expect.objectContaining({ status: 502, type: 'provider_invalid_response' }))
  })
})
