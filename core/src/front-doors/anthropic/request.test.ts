import { describe, expect, it } from 'vitest'
import { parseMessagesRequest } from './request.js'

const base = { model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'Hello, Claude' }] }
const parse = (extra: Record<string, unknown> = {}, betas: string[] = []) => parseMessagesRequest({ ...base, ...extra }, betas)
const refusal = (body: Record<string, unknown>) => {
  try {
    parseMessagesRequest(body)
  } catch (error) {
    return error as { status: number; type: string; message: string; param: string | null }
  }
  throw new Error('expected a refusal')
}

describe('Anthropic request → canonical', () => {
  it('reads the basic request', () => {
    expect(parse()).toEqual({ model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'Hello, Claude' }] })
    expect(parse({ stream: true })).toMatchObject({ stream: true, stream_options: { include_usage: true } })
  })

  it('puts system first and keeps cache_control on system parts', () => {
    expect(parse({ system: 'Be brief.' }).messages[0]).toEqual({ role: 'system', content: 'Be brief.' })
    const cached = parse({ system: [{ type: 'text', text: 'Long context', cache_control: { type: 'ephemeral' } }] })
    expect(cached.messages[0]).toEqual({ role: 'system', content: [{ type: 'text', text: 'Long context', cache_control: { type: 'ephemeral' } }] })
  })

  it('translates a tool round trip', () => {
    const req = parse({
      tools: [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: [{ type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C', is_error: false }, { type: 'text', text: 'And tomorrow?' }] },
      ],
    })
    expect(req.tools).toEqual([{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }])
    expect(req).toMatchObject({ tool_choice: 'required', parallel_tool_calls: false })
    expect(req.messages).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: 'Checking.', tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'toolu_1', content: '18°C' },
      { role: 'user', content: 'And tomorrow?' },
    ])
  })

  it.each([
    [{ type: 'auto' }, 'auto'],
    [{ type: 'none' }, 'none'],
    [{ type: 'tool', name: 'f' }, { type: 'function', function: { name: 'f' } }],
  ])('maps tool_choice %j', (choice, expected) => {
    expect(parse({ tools: [{ name: 'f', input_schema: { type: 'object' } }], tool_choice: choice }).tool_choice).toEqual(expected)
  })

  it('translates images and PDFs, and keeps richer blocks as they are', () => {
    const search = { type: 'search_result', source: 'https://x', title: 'X', content: [{ type: 'text', text: 'x' }] }
    const req = parse({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBOR' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/a.jpg' } },
            { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBER' }, title: 'a.pdf' },
            { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBER' }, citations: { enabled: true } },
            search,
            { type: 'text', text: 'Describe.' },
          ],
        },
      ],
    })
    expect(req.messages[0].content).toEqual([
      { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBOR' } },
      { type: 'image_url', image_url: { url: 'https://example.com/a.jpg' } },
      { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBER', filename: 'a.pdf' } },
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBER' }, citations: { enabled: true } },
      search,
      { type: 'text', text: 'Describe.' },
    ])
  })

  it('keeps thinking as reasoning_content and the signed blocks', () => {
    const thinking = { type: 'thinking', thinking: 'Let me see.', signature: 'sig' }
    const req = parse({ thinking: { type: 'enabled', budget_tokens: 4000 }, messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: [thinking, { type: 'text', text: 'a' }] }] })
    expect(req.messages[1]).toEqual({ role: 'assistant', content: 'a', reasoning_content: 'Let me see.', thinking_blocks: [thinking] })
    expect(req).toMatchObject({ reasoning_effort: 'medium', anthropic: { thinking: { type: 'enabled', budget_tokens: 4000 } } })
  })

  it('maps sampling, stops, user id and structured output; keeps the rest under `anthropic`', () => {
    const req = parse(
      {
        temperature: 0.5,
        top_p: 0.9,
        top_k: 40,
        stop_sequences: ['###'],
        metadata: { user_id: 'u-1' },
        service_tier: 'standard_only',
        output_config: { format: { type: 'json_schema', schema: { type: 'object' } }, effort: 'high' },
        tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 3 }],
      },
      ['files-api-2025-04-14'],
    )
    expect(req).toMatchObject({ temperature: 0.5, top_p: 0.9, stop: ['###'], user: 'u-1' })
    expect(req.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'output', schema: { type: 'object' }, strict: true } })
    expect(req.tools).toBeUndefined()
    expect(req.anthropic).toEqual({ top_k: 40, service_tier: 'standard_only', output_config: { effort: 'high' }, tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 3 }], betas: ['files-api-2025-04-14'] })
  })

  it.each([
    [{ messages: base.messages, model: 'm' }, 'max_tokens: Field required', 'max_tokens'],
    [{ ...base, model: undefined }, 'model: Field required', 'model'],
    [{ ...base, messages: 'hi' }, 'messages: Input should be a valid list', 'messages'],
    [{ ...base, messages: [{ role: 'bot', content: 'x' }] }, "messages.0.role: Input should be 'user' or 'assistant'", 'messages.0.role'],
    [{ ...base, messages: [{ role: 'user', content: [{ text: 'x' }] }] }, 'messages.0.content', 'messages.0.content'],
    [{ ...base, temperature: 1.5 }, 'temperature: Input should be a number from 0 to 1', 'temperature'],
    [{ ...base, tools: [{ name: 'f' }], tool_choice: { type: 'tool' } }, 'tool_choice.name: Field required', 'tool_choice.name'],
  ])('refuses a bad request with a 400 naming the field (%#)', (body, message, param) => {
    const error = refusal(body as Record<string, unknown>)
    expect(error).toMatchObject({ status: 400, type: 'caller_invalid_request', param })
    expect(error.message).toContain(message)
  })
})
