import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fromMessage } from './response.js'

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'))

describe('Anthropic Message → canonical response', () => {
  it('reads text, stop reason and usage with prompt caching', () => {
    const r = fromMessage(fixture('message.json'), 'anthropic', 'claude')
    expect(r).toMatchObject({ id: 'msg_013Zva2CMHLNnXjNJJKqJ2EF', object: 'chat.completion', model: 'claude-sonnet-4-5-20250929' })
    expect(r.choices).toEqual([{ index: 0, message: { role: 'assistant', content: 'Hi! My name is Claude.' }, finish_reason: 'stop' }])
    // input 2095 + cache read 2051 + cache write 2051.
    expect(r.usage).toEqual({ prompt_tokens: 6197, completion_tokens: 503, total_tokens: 6700, prompt_tokens_details: { cached_tokens: 2051, cache_creation_tokens: 2051 } })
  })

  it('turns tool_use blocks into tool calls with JSON string arguments', () => {
    const r = fromMessage(fixture('tool-use.json'), 'anthropic', 'claude')
    expect(r.choices[0]).toEqual({
      index: 0,
      finish_reason: 'tool_calls',
      message: {
        role: 'assistant',
        content: "I'll check the current weather in San Francisco for you.",
        tool_calls: [{ id: 'toolu_01A09q90qw90lq917835lq9', type: 'function', function: { name: 'get_weather', arguments: '{"location":"San Francisco, CA","unit":"celsius"}' } }],
      },
    })
    expect(r.usage).toEqual({ prompt_tokens: 384, completion_tokens: 89, total_tokens: 473 })
  })

  it('keeps thinking as reasoning_content, with the signed blocks for the next turn', () => {
    const body = fixture('thinking.json')
    const message = fromMessage(body, 'anthropic', 'claude').choices[0].message as unknown as Record<string, unknown>
    expect(message.reasoning_content).toBe(body.content[0].thinking)
    expect(message.thinking_blocks).toEqual([body.content[0], body.content[1]])
    expect(message.content).toBe('Yes, there are infinitely many prime numbers such that...')
    expect(fromMessage(body, 'anthropic', 'claude').usage?.completion_tokens_details).toEqual({ reasoning_tokens: 211 })
  })

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    ['model_context_window_exceeded', 'length'],
    ['pause_turn', 'stop'],
  ])('maps stop_reason %s to %s', (stop, finish) => {
    expect(fromMessage({ ...fixture('message.json'), stop_reason: stop }, 'anthropic', 'claude').choices[0].finish_reason).toBe(finish)
  })

  it('refuses a body without content', () => {
    expect(() => fromMessage({ type: 'message' }, 'anthropic', 'claude')).toThrow(expect.objectContaining({ status: 502, type: 'provider_invalid_response' }))
  })
})
