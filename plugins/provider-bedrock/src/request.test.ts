import { describe, expect, it } from 'vitest'
import type { ChatRequest } from '@sluice/sdk'
import { toConverse } from './request.js'

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='
const convert = (req: Partial<ChatRequest>, model = 'amazon.nova-pro-v1:0') => toConverse({ model, messages: [{ role: 'user', content: 'hi' }], ...req } as ChatRequest, 'bedrock', model)
const weather = { type: 'function' as const, function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }

describe('OpenAI request → Converse', () => {
  it('maps system prompts, sampling, stops and max tokens', () => {
    const body = convert({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        { role: 'user', content: 'hello' },
      ],
      max_completion_tokens: 100,
      max_tokens: 50,
      temperature: 0.2,
      top_p: 0.9,
      stop: 'END',
      user: 'u-1',
      metadata: { team: 'search' },
      stream_options: { include_usage: true },
    })
    expect(body).toEqual({
      messages: [{ role: 'user', content: [{ text: 'hello' }] }],
      system: [{ text: 'Be brief.' }, { text: 'Answer in French.' }],
      inferenceConfig: { maxTokens: 100, temperature: 0.2, topP: 0.9, stopSequences: ['END'] },
      requestMetadata: { team: 'search' },
    })
  })

  it('keeps a multi-turn history alternating, merging turns of one role', () => {
    const body = convert({
      messages: [
        { role: 'user', content: 'one' },
        { role: 'user', content: [{ type: 'text', text: 'two' }] },
        { role: 'assistant', content: 'three' },
        { role: 'user', content: 'four' },
      ],
    })
    expect(body.messages).toEqual([
      { role: 'user', content: [{ text: 'one' }, { text: 'two' }] },
      { role: 'assistant', content: [{ text: 'three' }] },
      { role: 'user', content: [{ text: 'four' }] },
    ])
  })

  it('sends data: URL images and documents as bytes, and refuses http URLs by name', () => {
    const body = convert({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
            { type: 'file', file: { filename: 'Q3 report (final).pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } },
          ],
        },
      ],
    })
    expect(body.messages[0].content).toEqual([
      { text: 'What is this?' },
      { image: { format: 'png', source: { bytes: PNG } } },
      { document: { format: 'pdf', name: 'Q3 report (final)', source: { bytes: 'JVBERi0=' } } },
    ])
    const url = () => convert({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }] })
    expect(url).toThrow(expect.objectContaining({ status: 400, type: 'provider_unsupported', param: 'messages[0].content[0].image_url' }))
    const tiff = () => convert({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/tiff;base64,AAAA' } }] }] })
    expect(tiff).toThrow(expect.objectContaining({ type: 'provider_unsupported' }))
    const audio = () => convert({ messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }] }] })
    expect(audio).toThrow(expect.objectContaining({ param: 'messages[0].content[0].type' }))
  })

  it('maps tools and every tool_choice', () => {
    const body = convert({ tools: [weather], tool_choice: 'required' })
    expect(body.toolConfig).toEqual({ tools: [{ toolSpec: { name: 'get_weather', description: 'Weather for a city', inputSchema: { json: weather.function.parameters } } }], toolChoice: { any: {} } })
    expect(convert({ tools: [weather] }).toolConfig?.toolChoice).toBeUndefined()
    expect(convert({ tools: [weather], tool_choice: 'auto' }).toolConfig?.toolChoice).toEqual({ auto: {} })
    expect(convert({ tools: [weather], tool_choice: { type: 'function', function: { name: 'get_weather' } } }).toolConfig?.toolChoice).toEqual({ tool: { name: 'get_weather' } })
    // A tool without parameters still needs a schema.
    expect(convert({ tools: [{ type: 'function', function: { name: 'now' } }] }).toolConfig?.tools).toEqual([{ toolSpec: { name: 'now', inputSchema: { json: { type: 'object', properties: {} } } } }])
    expect(convert({ tools: [weather], tool_choice: 'none' }).toolConfig).toBeUndefined()
    expect(() => convert({ tools: [weather], tool_choice: { type: 'function', function: { name: 'other' } } })).toThrow(expect.objectContaining({ type: 'caller_invalid_request', param: 'tool_choice' }))
  })

  it('maps tool calls and results (an Anthropic error flag included) and refuses arguments that are not JSON', () => {
    const history = [
      { role: 'user' as const, content: 'weather in Paris and Rome?' },
      {
        role: 'assistant' as const,
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function' as const, function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_2', type: 'function' as const, function: { name: 'get_weather', arguments: '' } },
        ],
      },
      { role: 'tool' as const, tool_call_id: 'call_1', content: '21C' },
      { role: 'tool' as const, tool_call_id: 'call_2', content: [{ type: 'text' as const, text: 'unknown city' }], is_error: true },
    ]
    const body = convert({ messages: history, tools: [weather] })
    expect(body.messages).toEqual([
      { role: 'user', content: [{ text: 'weather in Paris and Rome?' }] },
      { role: 'assistant', content: [{ toolUse: { toolUseId: 'call_1', name: 'get_weather', input: { city: 'Paris' } } }, { toolUse: { toolUseId: 'call_2', name: 'get_weather', input: {} } }] },
      { role: 'user', content: [{ toolResult: { toolUseId: 'call_1', content: [{ text: '21C' }] } }, { toolResult: { toolUseId: 'call_2', content: [{ text: 'unknown city' }], status: 'error' } }] },
    ])
    expect(() => convert({ messages: history, tools: [weather], tool_choice: 'none' })).toThrow(expect.objectContaining({ type: 'provider_unsupported', param: 'tool_choice' }))
    const bad = [{ role: 'assistant' as const, content: null, tool_calls: [{ id: 'c', type: 'function' as const, function: { name: 'f', arguments: '{oops' } }] }]
    expect(() => convert({ messages: bad })).toThrow(expect.objectContaining({ type: 'caller_invalid_request', param: 'messages[0].tool_calls[0].function.arguments' }))
  })

  it('turns Anthropic cache_control into cache points and thinking blocks into reasoning', () => {
    const body = convert(
      {
        messages: [
          { role: 'system', content: [{ type: 'text', text: 'Long manual…', cache_control: { type: 'ephemeral' } } as never] },
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'a', thinking_blocks: [{ type: 'thinking', thinking: 'hmm', signature: 'c2ln' }, { type: 'redacted_thinking', data: 'ZGF0YQ==' }] } as never,
          { role: 'user', content: 'q2' },
        ],
        tools: [{ ...weather, cache_control: { type: 'ephemeral' } } as never],
      },
      'anthropic.claude-3-7-sonnet-20250219-v1:0',
    )
    expect(body.system).toEqual([{ text: 'Long manual…' }, { cachePoint: { type: 'default' } }])
    expect(body.messages[1].content).toEqual([{ reasoningContent: { reasoningText: { text: 'hmm', signature: 'c2ln' } } }, { reasoningContent: { redactedContent: 'ZGF0YQ==' } }, { text: 'a' }])
    expect(body.toolConfig?.tools.at(-1)).toEqual({ cachePoint: { type: 'default' } })
  })

  it('maps reasoning_effort to Claude thinking; the exact Anthropic thinking wins', () => {
    expect(convert({ reasoning_effort: 'medium' }, 'us.anthropic.claude-sonnet-4-20250514-v1:0').additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 8192 } })
    expect(convert({ reasoning_effort: 'high', anthropic: { thinking: { type: 'enabled', budget_tokens: 3000 } } }, 'anthropic.claude-3-7-sonnet').additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 3000 } })
    expect(() => convert({ reasoning_effort: 'low' }, 'amazon.nova-pro-v1:0')).toThrow(expect.objectContaining({ type: 'provider_unsupported', param: 'reasoning_effort' }))
  })

  it('refuses what Converse cannot honour, by name, and accepts neutral values', () => {
    for (const [field, value] of [['n', 2], ['response_format', { type: 'json_object' }], ['seed', 7], ['logprobs', true], ['presence_penalty', 0.5], ['parallel_tool_calls', false], ['store', true], ['logit_bias', { '50256': -100 }]] as const)
      expect(() => convert({ [field]: value }), field).toThrow(expect.objectContaining({ status: 400, type: 'provider_unsupported', param: field }))
    expect(() => convert({ n: 1, logprobs: false, presence_penalty: 0, response_format: { type: 'text' }, parallel_tool_calls: true, store: false })).not.toThrow()
    // Other vendors' extensions are not ours to send.
    expect(convert({ gemini: { safetySettings: [] }, anthropic: { top_k: 5 } })).toEqual({ messages: [{ role: 'user', content: [{ text: 'hi' }] }] })
  })

  it('deep-merges Bedrock-only fields given under `bedrock` last', () => {
    const body = convert({
      temperature: 0.5,
      bedrock: { guardrailConfig: { guardrailIdentifier: 'gr-1', guardrailVersion: '1' }, inferenceConfig: { topP: 0.8 }, additionalModelRequestFields: { top_k: 40 } },
    })
    expect(body).toMatchObject({ inferenceConfig: { temperature: 0.5, topP: 0.8 }, guardrailConfig: { guardrailIdentifier: 'gr-1', guardrailVersion: '1' }, additionalModelRequestFields: { top_k: 40 } })
    expect(() => convert({ bedrock: 'nope' })).toThrow(expect.objectContaining({ param: 'bedrock' }))
  })
})
