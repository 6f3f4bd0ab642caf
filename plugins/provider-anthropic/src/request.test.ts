import { describe, expect, it } from 'vitest'
import type { ChatRequest } from '@sluice/sdk'
import { toAnthropicRequest } from './request.js'

const options = { provider: 'anthropic', defaultMaxTokens: 4096 }
const translate = (req: Partial<ChatRequest>, stream = false) =>
  toAnthropicRequest({ model: 'claude', messages: [{ role: 'user', content: 'hi' }], ...req } as ChatRequest, 'claude-sonnet-4-5', stream, options)
const body = (req: Partial<ChatRequest>, stream = false) => translate(req, stream).body
const refusal = (req: Partial<ChatRequest>) => {
  try {
    translate(req)
  } catch (error) {
    return error as { status: number; type: string; param: string; message: string }
  }
  throw new Error('expected a refusal')
}

describe('canonical → Anthropic Messages request', () => {
  it('sends the upstream model, the default max_tokens and a plain user turn', () => {
    expect(body({})).toEqual({ model: 'claude-sonnet-4-5', max_tokens: 4096, messages: [{ role: 'user', content: 'hi' }] })
    expect(body({}, true).stream).toBe(true)
    expect(body({ max_tokens: 100 }).max_tokens).toBe(100)
    expect(body({ max_tokens: 100, max_completion_tokens: 50 }).max_tokens).toBe(50)
  })

  it('moves system and developer messages to `system`, in order', () => {
    expect(body({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }] }).system).toBe('Be brief.')
    const b = body({
      messages: [
        { role: 'system', content: 'One.' },
        { role: 'user', content: 'hi' },
        { role: 'developer', content: [{ type: 'text', text: 'Two.', cache_control: { type: 'ephemeral' } } as never] },
      ],
    })
    expect(b.system).toEqual([{ type: 'text', text: 'One.' }, { type: 'text', text: 'Two.', cache_control: { type: 'ephemeral' } }])
    expect(b.messages).toEqual([{ role: 'user', content: 'hi' }])
  })

  it('keeps a multi-turn history and translates images', () => {
    const b = body({
      messages: [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'answer' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in these?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'high' } },
          ],
        },
      ],
    })
    expect(b.messages).toEqual([
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'answer' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in these?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
        ],
      },
    ])
  })

  it('turns tool calls into tool_use blocks and tool results into one user turn', () => {
    const b = body({
      messages: [
        { role: 'user', content: 'weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'toolu_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: 'sunny' },
        { role: 'tool', tool_call_id: 'toolu_2', content: [{ type: 'text', text: 'rain' }] },
        { role: 'user', content: 'Thanks; summarize.' },
      ],
    })
    expect(b.messages).toEqual([
      { role: 'user', content: 'weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Rome' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: 'rain' }] },
          { type: 'text', text: 'Thanks; summarize.' },
        ],
      },
    ])
  })

  it('sends signed thinking blocks back before the text, and leaves unsigned reasoning out', () => {
    const signed = { type: 'thinking', thinking: 'hmm', signature: 'sig' }
    const b = body({ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a', reasoning_content: 'hmm', thinking_blocks: [signed] } as never, { role: 'user', content: 'more' }] })
    expect(b.messages[1]).toEqual({ role: 'assistant', content: [signed, { type: 'text', text: 'a' }] })
    const unsigned = body({ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a', reasoning_content: 'hmm' }, { role: 'user', content: 'more' }] })
    expect(unsigned.messages[1]).toEqual({ role: 'assistant', content: 'a' })
  })

  it('translates tools and every tool_choice, parallel_tool_calls false included', () => {
    const tools = [
      { type: 'function' as const, function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: true } },
      { type: 'function' as const, function: { name: 'now' } },
    ]
    expect(body({ tools }).tools).toEqual([
      { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } }, strict: true },
      { name: 'now', input_schema: { type: 'object', properties: {} } },
    ])
    expect(body({ tools, tool_choice: 'auto' }).tool_choice).toEqual({ type: 'auto' })
    expect(body({ tools, tool_choice: 'none' }).tool_choice).toEqual({ type: 'none' })
    expect(body({ tools, tool_choice: 'required' }).tool_choice).toEqual({ type: 'any' })
    expect(body({ tools, tool_choice: { type: 'function', function: { name: 'now' } } }).tool_choice).toEqual({ type: 'tool', name: 'now' })
    expect(body({ tools, parallel_tool_calls: false }).tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true })
    expect(body({ tools, tool_choice: 'required', parallel_tool_calls: false }).tool_choice).toEqual({ type: 'any', disable_parallel_tool_use: true })
    expect(body({ tools }).tool_choice).toBeUndefined()
  })

  it('maps sampling, stop, user and json_schema output', () => {
    const b = body({
      temperature: 0.2,
      top_p: 0.9,
      stop: 'END',
      user: 'user-42',
      response_format: { type: 'json_schema', json_schema: { name: 'r', schema: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false } } },
    })
    expect(b).toMatchObject({ temperature: 0.2, top_p: 0.9, stop_sequences: ['END'], metadata: { user_id: 'user-42' } })
    expect(b.output_config).toEqual({ format: { type: 'json_schema', schema: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false } } })
    expect(body({ stop: ['a', 'b'] }).stop_sequences).toEqual(['a', 'b'])
    expect(body({ response_format: { type: 'text' } }).output_config).toBeUndefined()
  })

  it('maps reasoning_effort to a thinking budget that fits max_tokens', () => {
    expect(body({ reasoning_effort: 'low' })).toMatchObject({ max_tokens: 1024 + 4096, thinking: { type: 'enabled', budget_tokens: 1024 } })
    expect(body({ reasoning_effort: 'high', max_completion_tokens: 8000 })).toMatchObject({ max_tokens: 8000, thinking: { type: 'enabled', budget_tokens: 7999 } })
    expect(body({ reasoning_effort: 'minimal' }).thinking).toBeUndefined()
    expect(refusal({ reasoning_effort: 'medium', max_tokens: 500 })).toMatchObject({ status: 400, type: 'provider_unsupported', param: 'reasoning_effort' })
  })

  it('merges Anthropic-only fields from `anthropic` last and takes betas out for the header', () => {
    const { body: b, betas } = translate({
      reasoning_effort: 'high',
      tools: [{ type: 'function', function: { name: 'f' } }],
      anthropic: { top_k: 5, thinking: { type: 'enabled', budget_tokens: 2000 }, tools: [{ type: 'web_search_20250305', name: 'web_search' }], metadata: { extra: 1 }, betas: ['files-api-2025-04-14'] },
      user: 'u',
    })
    expect(b).toMatchObject({ top_k: 5, thinking: { type: 'enabled', budget_tokens: 2000 }, metadata: { user_id: 'u', extra: 1 }, max_tokens: 4096 })
    expect(b.tools).toEqual([{ name: 'f', input_schema: { type: 'object', properties: {} } }, { type: 'web_search_20250305', name: 'web_search' }])
    expect(b).not.toHaveProperty('betas')
    expect(betas).toEqual(['files-api-2025-04-14'])
  })

  it('turns PDF and text files into documents and passes Anthropic blocks through', () => {
    const b = body({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' } },
            { type: 'file', file: { file_data: `data:text/plain;base64,${Buffer.from('notes').toString('base64')}` } },
            { type: 'search_result', source: 'https://x', title: 'X', content: [{ type: 'text', text: 'x' }] } as never,
          ],
        },
      ],
    })
    expect(b.messages[0].content).toEqual([
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' }, title: 'a.pdf' },
      { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'notes' } },
      { type: 'search_result', source: 'https://x', title: 'X', content: [{ type: 'text', text: 'x' }] },
    ])
  })

  it.each([
    [{ n: 2 }, 'n'],
    [{ logprobs: true }, 'logprobs'],
    [{ top_logprobs: 3 }, 'top_logprobs'],
    [{ presence_penalty: 0.5 }, 'presence_penalty'],
    [{ frequency_penalty: 0.5 }, 'frequency_penalty'],
    [{ seed: 7 }, 'seed'],
    [{ logit_bias: { '50256': -100 } }, 'logit_bias'],
    [{ response_format: { type: 'json_object' } }, 'response_format'],
    [{ temperature: 1.5 }, 'temperature'],
    [{ modalities: ['text', 'audio'] }, 'modalities'],
    [{ messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }] }] }, 'messages[0].content[0]'],
  ] as [Partial<ChatRequest>, string][])('refuses what Anthropic cannot honour: %j', (req, param) => {
    const error = refusal(req)
    expect(error).toMatchObject({ status: 400, type: 'provider_unsupported', param })
    expect(error.message).toContain(`\`${param}\``)
  })

  it('accepts the no-op values of unsupported features', () => {
    expect(() => translate({ n: 1, logprobs: false, presence_penalty: 0, frequency_penalty: 0, seed: null, top_logprobs: 0 })).not.toThrow()
  })

  it('refuses tool-call arguments that are not a JSON object', () => {
    const error = refusal({ messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '[1]' } }] }] })
    expect(error).toMatchObject({ status: 400, type: 'caller_invalid_request', param: 'messages[0].tool_calls[0].function.arguments' })
  })
})
