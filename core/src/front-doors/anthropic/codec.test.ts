import { describe, expect, it } from 'vitest'
import { GatewayError } from '@sluice/sdk'
import type { ChatChunk, ChunkDelta } from '@sluice/sdk'
import { AnthropicStreamEncoder } from './stream.js'
import { toAnthropicMessage } from './render.js'
import { anthropicCodec } from './codec.js'

const chunk = (delta: ChunkDelta & Record<string, unknown>, finish: string | null = null): ChatChunk => ({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [{ index: 0, delta, finish_reason: finish }] })
const usage = { prompt_tokens: 30, completion_tokens: 7, total_tokens: 37, prompt_tokens_details: { cached_tokens: 10 } }

/** The events of an encoded stream as [name, data] pairs, checking each `event:` line matches its data. */
function events(text: string): [string, Record<string, any>][] {
  return text
    .split('\n\n')
    .filter(Boolean)
    .map((block) => {
      const [eventLine, dataLine] = block.split('\n')
      const data = JSON.parse(dataLine.slice('data: '.length))
      expect(eventLine).toBe(`event: ${data.type}`)
      return [data.type, data]
    })
}

function encode(chunks: ChatChunk[]): [string, Record<string, any>][] {
  const encoder = new AnthropicStreamEncoder()
  return events(chunks.map((c) => encoder.chunk(c)).join('') + encoder.end())
}

describe('canonical chunks → Anthropic events', () => {
  it('writes the exact text sequence, usage at start and in message_delta', () => {
    const out = encode([chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hel' }), chunk({ content: 'lo' }), chunk({}, 'stop'), { ...chunk({}), choices: [], usage }])
    expect(out.map(([name]) => name)).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop'])
    expect(out[0][1].message).toEqual({ id: 'chatcmpl-1', type: 'message', role: 'assistant', model: 'gpt-4o', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 } })
    expect(out[1][1]).toEqual({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } })
    expect(out[2][1]).toEqual({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } })
    expect(out[5][1]).toEqual({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { input_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 10, output_tokens: 7 } })
  })

  it('writes tool calls as tool_use blocks with input_json_delta', () => {
    const out = encode([
      chunk({ role: 'assistant', content: 'Let me check.' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'now', arguments: '{}' } }] }),
      chunk({}, 'tool_calls'),
    ])
    expect(out.map(([name, data]) => `${name}${data.index ?? ''}`)).toEqual([
      'message_start', 'content_block_start0', 'content_block_delta0', 'content_block_stop0',
      'content_block_start1', 'content_block_delta1', 'content_block_delta1', 'content_block_stop1',
      'content_block_start2', 'content_block_delta2', 'content_block_stop2', 'message_delta', 'message_stop',
    ])
    expect(out[4][1].content_block).toEqual({ type: 'tool_use', id: 'call_1', name: 'get_weather', input: {} })
    expect(out[5][1].delta).toEqual({ type: 'input_json_delta', partial_json: '{"city":' })
    expect(out.at(-2)![1].delta.stop_reason).toBe('tool_use')
  })

  it('writes reasoning as a thinking block closed by its signature', () => {
    const out = encode([chunk({ role: 'assistant', reasoning_content: 'Hmm.' }), chunk({ thinking_blocks: [{ type: 'thinking', thinking: '', signature: 'sig' }] }), chunk({ content: 'Yes.' }), chunk({}, 'length')])
    expect(out.slice(1, 6).map(([, data]) => data.content_block ?? data.delta ?? data.type)).toEqual([
      { type: 'thinking', thinking: '', signature: '' },
      { type: 'thinking_delta', thinking: 'Hmm.' },
      { type: 'signature_delta', signature: 'sig' },
      'content_block_stop',
      { type: 'text', text: '' },
    ])
    expect(out.at(-2)![1].delta.stop_reason).toBe('max_tokens')
  })

  it('still writes a whole message for an empty stream, and errors in Anthropic shape', () => {
    expect(encode([]).map(([name]) => name)).toEqual(['message_start', 'message_delta', 'message_stop'])
    const error = new AnthropicStreamEncoder().error(new GatewayError(503, 'provider_unavailable', 'Overloaded'))
    expect(error).toBe('event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n')
  })
})

describe('canonical response → Anthropic message', () => {
  it('renders text, tool calls, stop reason and usage', () => {
    const message = toAnthropicMessage({
      id: 'chatcmpl-9',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-4o',
      choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: 'Checking.', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] } }],
      usage,
    })
    expect(message).toEqual({
      id: 'chatcmpl-9',
      type: 'message',
      role: 'assistant',
      model: 'gpt-4o',
      content: [{ type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } }],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 10, output_tokens: 7 },
    })
  })

  it.each([
    [400, 'caller_invalid_request', 'invalid_request_error'],
    [401, 'caller_unauthorized', 'authentication_error'],
    [402, 'policy_budget_exceeded', 'billing_error'],
    [403, 'policy_forbidden', 'permission_error'],
    [404, 'caller_model_not_found', 'not_found_error'],
    [405, 'caller_method_not_allowed', 'invalid_request_error'],
    [413, 'caller_payload_too_large', 'request_too_large'],
    [429, 'policy_rate_limited', 'rate_limit_error'],
    [500, 'gateway_internal', 'api_error'],
    [502, 'provider_error', 'api_error'],
    [503, 'provider_unavailable', 'overloaded_error'],
    [504, 'provider_timeout', 'timeout_error'],
  ])('renders a %i %s as %s', (status, type, anthropicType) => {
    const rendered = anthropicCodec.error(new GatewayError(status, type, 'why'))
    expect(rendered.status).toBe(status)
    expect(JSON.parse(rendered.body)).toEqual({ type: 'error', error: { type: anthropicType, message: 'why' } })
  })
})
