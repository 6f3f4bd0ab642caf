import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fromConverse } from './response.js'
import { finishReason } from './finish-reason.js'

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'))

describe('Converse answer → chat completion', () => {
  it('maps the published text answer', () => {
    const r = fromConverse(fixture('converse-text.json'), 'bedrock', 'anthropic.claude-3-sonnet-20240229-v1:0')
    expect(r).toMatchObject({ object: 'chat.completion', model: 'anthropic.claude-3-sonnet-20240229-v1:0', usage: { prompt_tokens: 25, completion_tokens: 49, total_tokens: 74 } })
    expect(r.id).toMatch(/^chatcmpl-[0-9a-f]{32}$/)
    expect(r.choices).toEqual([{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: expect.stringContaining('"Rolling in the Deep" by Adele') } }])
  })

  it('maps the published tool-use answer: Bedrock ids, input as JSON arguments, content null', () => {
    const r = fromConverse(fixture('converse-tool-use.json'), 'bedrock', 'm')
    expect(r.choices[0]).toEqual({
      index: 0,
      finish_reason: 'tool_calls',
      message: { role: 'assistant', content: null, tool_calls: [{ id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', type: 'function', function: { name: 'top_song', arguments: '{"sign":"WZPZ"}' } }] },
    })
  })

  it('maps reasoning (with its signature for Anthropic clients) and cached tokens', () => {
    const r = fromConverse(fixture('converse-reasoning-cache.json'), 'bedrock', 'm')
    expect(r.choices[0].message).toEqual({
      role: 'assistant',
      content: 'The capital of France is Paris.',
      reasoning_content: 'The user asks for the capital of France. That is Paris.',
      thinking_blocks: [{ type: 'thinking', thinking: 'The user asks for the capital of France. That is Paris.', signature: 'ErUBCkYIBxgCIkB0c2lnbmF0dXJlLWV4YW1wbGU=' }],
    })
    // Converse counts cache reads apart from inputTokens: the OpenAI prompt holds both.
    expect(r.usage).toEqual({ prompt_tokens: 1066, completion_tokens: 91, total_tokens: 1157, prompt_tokens_details: { cached_tokens: 1062 } })
  })

  it('maps every stop reason', () => {
    expect(['end_turn', 'stop_sequence', 'tool_use', 'max_tokens', 'model_context_window_exceeded', 'guardrail_intervened', 'content_filtered', 'malformed_tool_use', undefined].map(finishReason)).toEqual([
      'stop', 'stop', 'tool_calls', 'length', 'length', 'content_filter', 'content_filter', 'stop', null,
    ])
  })

  it('refuses an answer without output', () => {
    expect(() => fromConverse({ message: 'hm' }, 'bedrock', 'm')).toThrow(expect.objectContaining({ status: 502, type: 'provider_invalid_response' }))
    expect(() => fromConverse(null, 'bedrock', 'm')).toThrow(expect.objectContaining({ status: 502 }))
  })
})
