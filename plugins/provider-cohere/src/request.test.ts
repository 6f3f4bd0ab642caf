import { describe, expect, it } from 'vitest'
import type { ChatRequest } from '@sluice/sdk'
import { toCohereChat } from './request.js'

const convert = (req: Partial<ChatRequest>, stream = false) => toCohereChat({ model: 'x', messages: [{ role: 'user', content: 'hi' }], ...req } as ChatRequest, 'cohere', 'command-a-03-2025', stream)
const weather = { type: 'function' as const, function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }

describe('OpenAI request → Cohere v2 chat', () => {
  it('maps messages of every role, sampling, stops and max tokens', () => {
    const body = convert(
      {
        messages: [
          { role: 'developer', content: 'Be brief.' },
          { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } }] },
          { role: 'assistant', content: [{ type: 'text', text: 'A pixel.' }] },
          { role: 'user', content: 'Thanks' },
        ],
        max_tokens: 10,
        max_completion_tokens: 20,
        stop: 'END',
        temperature: 0.1,
        top_p: 0.8,
        top_k: 40,
        seed: 3,
        frequency_penalty: 0.2,
        presence_penalty: 0.1,
        user: 'u',
        metadata: { a: 'b' },
      },
      true,
    )
    expect(body).toEqual({
      model: 'command-a-03-2025',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } }] },
        { role: 'assistant', content: [{ type: 'text', text: 'A pixel.' }] },
        { role: 'user', content: 'Thanks' },
      ],
      max_tokens: 20,
      stop_sequences: ['END'],
      temperature: 0.1,
      p: 0.8,
      k: 40,
      seed: 3,
      frequency_penalty: 0.2,
      presence_penalty: 0.1,
      stream: true,
    })
  })

  it('maps tools, tool calls with their plan, and tool results', () => {
    const body = convert({
      tools: [{ ...weather, function: { ...weather.function, strict: true } }],
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: null, reasoning_content: 'I will look it up.', tool_calls: [{ id: 'get_weather_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'get_weather_1', content: [{ type: 'text', text: '21C' }] },
      ],
    })
    expect(body.tools).toEqual([{ type: 'function', function: weather.function }])
    expect(body.strict_tools).toBe(true)
    expect(body.messages.slice(1)).toEqual([
      { role: 'assistant', tool_plan: 'I will look it up.', tool_calls: [{ id: 'get_weather_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'get_weather_1', content: [{ type: 'text', text: '21C' }] },
    ])
  })

  it('maps every tool_choice; a named function is the only tool, required', () => {
    const other = { type: 'function' as const, function: { name: 'other' } }
    expect(convert({ tools: [weather], tool_choice: 'auto' }).tool_choice).toBeUndefined()
    expect(convert({ tools: [weather], tool_choice: 'none' }).tool_choice).toBe('NONE')
    expect(convert({ tools: [weather], tool_choice: 'required' }).tool_choice).toBe('REQUIRED')
    const named = convert({ tools: [weather, other], tool_choice: { type: 'function', function: { name: 'other' } } })
    expect(named).toMatchObject({ tools: [{ type: 'function', function: { name: 'other', parameters: { type: 'object', properties: {} } } }], tool_choice: 'REQUIRED' })
    expect(() => convert({ tools: [weather], tool_choice: { type: 'function', function: { name: 'missing' } } })).toThrow(expect.objectContaining({ type: 'caller_invalid_request', param: 'tool_choice' }))
    expect(convert({ tool_choice: 'none' }).tool_choice).toBeUndefined()
  })

  it('maps response_format: json_object, json_schema with its schema, text as nothing', () => {
    const schema = { type: 'object', properties: { title: { type: 'string' } }, required: ['title'] }
    expect(convert({ response_format: { type: 'json_object' } }).response_format).toEqual({ type: 'json_object' })
    expect(convert({ response_format: { type: 'json_schema', json_schema: { name: 'book', schema } } }).response_format).toEqual({ type: 'json_object', json_schema: schema })
    expect(convert({ response_format: { type: 'text' } }).response_format).toBeUndefined()
  })

  it('maps reasoning_effort onto Cohere thinking', () => {
    expect(convert({ reasoning_effort: 'none' }).thinking).toEqual({ type: 'disabled' })
    expect(convert({ reasoning_effort: 'high' }).thinking).toEqual({ type: 'enabled' })
  })

  it('refuses what Cohere cannot honour, by name; leaves other vendors\u2019 extensions out', () => {
    for (const [field, value] of [['n', 2], ['logprobs', true], ['top_logprobs', 2], ['parallel_tool_calls', false], ['store', true], ['modalities', ['audio']]] as const)
      expect(() => convert({ [field]: value }), field).toThrow(expect.objectContaining({ status: 400, type: 'provider_unsupported', param: field }))
    expect(() => convert({ messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AA', format: 'wav' } }] }] })).toThrow(expect.objectContaining({ param: 'messages[0].content[0].type' }))
    expect(convert({ n: 1, logprobs: false, anthropic: { top_k: 3 }, gemini: {} })).toEqual({ model: 'command-a-03-2025', messages: [{ role: 'user', content: 'hi' }] })
  })

  it('deep-merges Cohere-only fields given under `cohere` last', () => {
    const body = convert({ cohere: { documents: [{ id: 'doc:1', data: { text: 'Gym memberships are free.' } }], citation_options: { mode: 'FAST' }, safety_mode: 'STRICT' } })
    expect(body).toMatchObject({ documents: [{ id: 'doc:1', data: { text: 'Gym memberships are free.' } }], citation_options: { mode: 'FAST' }, safety_mode: 'STRICT' })
    expect(() => convert({ cohere: [] })).toThrow(expect.objectContaining({ param: 'cohere' }))
  })
})
