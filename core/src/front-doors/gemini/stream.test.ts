import { describe, expect, it } from 'vitest'
import { GatewayError } from '@sluice/sdk'
import type { ChatChunk, ChatResponse } from '@sluice/sdk'
import { GeminiStreamEncoder } from './stream.js'
import { geminiCodec } from './codec.js'
import { toGenerateContentResponse } from './render.js'

const base = { id: 'chatcmpl-abc', object: 'chat.completion.chunk' as const, created: 1, model: 'm' }
const chunk = (delta: ChatChunk['choices'][number]['delta'], finish: string | null = null, index = 0): ChatChunk => ({ ...base, choices: [{ index, delta, finish_reason: finish }] })
const usage = { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12, completion_tokens_details: { reasoning_tokens: 2 }, prompt_tokens_details: { cached_tokens: 1 } }

const events = (text: string) => text.split('\r\n\r\n').filter(Boolean).map((e) => JSON.parse(e.replace(/^data: /, '')))
const encode = (encoder: GeminiStreamEncoder, chunks: ChatChunk[]) => chunks.map((c) => encoder.chunk(c)).join('') + encoder.end()

describe('canonical chunks → Gemini SSE', () => {
  it('sends text as it comes and the finish with the usage that follows it', () => {
    const out = encode(new GeminiStreamEncoder('sse'), [chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hel' }), chunk({ content: 'lo' }), chunk({}, 'stop'), { ...base, choices: [], usage }])
    expect(out.endsWith('\r\n\r\n')).toBe(true)
    expect(events(out)).toEqual([
      { candidates: [{ index: 0, content: { role: 'model', parts: [{ text: 'Hel' }] } }], modelVersion: 'm', responseId: 'abc' },
      { candidates: [{ index: 0, content: { role: 'model', parts: [{ text: 'lo' }] } }], modelVersion: 'm', responseId: 'abc' },
      { candidates: [{ index: 0, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 5, totalTokenCount: 12, cachedContentTokenCount: 1, thoughtsTokenCount: 2 }, modelVersion: 'm', responseId: 'abc' },
    ])
  })

  it('gathers tool-call fragments into whole function calls, with id and thought signature', () => {
    const out = encode(new GeminiStreamEncoder('sse'), [
      chunk({ role: 'assistant', content: null }),
      chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { name: 'weather', arguments: '{"city":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' }, extra_content: { google: { thought_signature: 'SIG' } } } as never] }),
      chunk({ tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'time', arguments: '{}' } }] }),
      chunk({}, 'tool_calls'),
    ])
    expect(events(out)).toEqual([{
      candidates: [{ index: 0, content: { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' }, id: 'call_1' }, thoughtSignature: 'SIG' }, { functionCall: { name: 'time', args: {}, id: 'call_2' } }] }, finishReason: 'STOP' }],
      modelVersion: 'm',
      responseId: 'abc',
    }])
  })

  it('keeps candidates apart, thought summaries first', () => {
    const out = encode(new GeminiStreamEncoder('sse'), [chunk({ reasoning_content: 'hmm', content: 'a' }), chunk({ content: 'b' }, null, 1), chunk({}, 'length', 1), chunk({}, 'content_filter')])
    const candidates = events(out).map((e) => e.candidates)
    expect(candidates).toEqual([
      [{ index: 0, content: { role: 'model', parts: [{ text: 'hmm', thought: true }, { text: 'a' }] } }],
      [{ index: 1, content: { role: 'model', parts: [{ text: 'b' }] } }],
      [{ index: 1, finishReason: 'MAX_TOKENS' }],
      [{ index: 0, finishReason: 'SAFETY' }],
    ])
  })

  it('writes an error event after a failure', () => {
    const encoder = new GeminiStreamEncoder('sse')
    encoder.chunk(chunk({ content: 'x' }))
    expect(events(encoder.error(new GatewayError(503, 'provider_unavailable', 'down')))).toEqual([{ error: { code: 503, message: 'down', status: 'UNAVAILABLE', details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'provider_unavailable', domain: 'sluice' }] } }])
  })
})

describe('canonical chunks → Gemini JSON-array stream', () => {
  it('writes one growing array that parses as JSON', () => {
    const out = encode(new GeminiStreamEncoder('json'), [chunk({ content: 'a' }), chunk({ content: 'b' }, 'stop'), { ...base, choices: [], usage }])
    const parsed = JSON.parse(out) as { candidates?: unknown[]; usageMetadata?: unknown }[]
    expect(parsed).toHaveLength(2)
    expect(parsed[1].usageMetadata).toBeDefined()
    expect(JSON.parse(new GeminiStreamEncoder('json').end())).toEqual([])
  })

  it('closes the array with the error, through the same encoder the codec keeps', () => {
    const codec = geminiCodec({ framing: 'json' })
    let out = codec.chatStream().chunk(chunk({ content: 'a' }))
    out += `\n\n${codec.chatStream().error(new GatewayError(502, 'provider_error', 'boom'))}`
    const parsed = JSON.parse(out) as Record<string, { status?: string }>[]
    expect(parsed.at(-1)!.error.status).toBe('UNAVAILABLE')
    const early = geminiCodec({ framing: 'json' })
    // Nothing but the opening bracket went out yet.
    const opened = early.chatStream().chunk(chunk({ role: 'assistant', content: '' }))
    expect(opened).toBe('[')
    expect(JSON.parse(opened + early.chatStream().error(new GatewayError(504, 'provider_timeout', 'slow')))).toEqual([expect.objectContaining({ error: expect.objectContaining({ status: 'DEADLINE_EXCEEDED' }) })])
    // An error before anything was written is an array of its own.
    expect(JSON.parse(geminiCodec({ framing: 'json' }).chatStream().error(new GatewayError(504, 'provider_timeout', 'slow')))).toHaveLength(1)
  })
})

describe('codec', () => {
  it('names its format for pass-through: only generateContent and SSE are `gemini`', () => {
    expect(geminiCodec().format).toBe('gemini')
    expect(geminiCodec({ framing: 'json' }).format).toBe('gemini-json-stream')
    expect(geminiCodec({ embed: 'embedContent' }).format).toBe('gemini-embeddings')
  })

  it('renders a chat completion as a GenerateContentResponse', () => {
    const response: ChatResponse = {
      id: 'chatcmpl-x1', object: 'chat.completion', created: 1, model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: 'I cannot.', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: 'not json' } }] }, finish_reason: 'tool_calls', logprobs: { content: [{ token: 'I', logprob: -0.5, top_logprobs: [{ token: 'I', logprob: -0.5 }] }] } }],
      usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
    }
    expect(toGenerateContentResponse(response)).toEqual({
      candidates: [{ index: 0, content: { role: 'model', parts: [{ text: 'I cannot.' }, { functionCall: { name: 'f', args: {}, id: 'c' } }] }, finishReason: 'STOP', logprobsResult: { chosenCandidates: [{ token: 'I', logProbability: -0.5 }], topCandidates: [{ candidates: [{ token: 'I', logProbability: -0.5 }] }] } }],
      usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 2, totalTokenCount: 3 },
      modelVersion: 'gpt-4o-mini',
      responseId: 'x1',
    })
    expect(JSON.parse(geminiCodec({ embed: 'embedContent' }).embeddings!({ object: 'list', model: 'e', data: [{ object: 'embedding', index: 0, embedding: Buffer.from(new Float32Array([0.5, 2]).buffer).toString('base64') }], usage: { prompt_tokens: 1, total_tokens: 1 } }))).toEqual({ embedding: { values: [0.5, 2] } })
  })
})
