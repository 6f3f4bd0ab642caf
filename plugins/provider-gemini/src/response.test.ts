import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { fromGenerateContent } from './response.js'
import { finishReason } from './finish-reason.js'
import { mapGoogleError } from './errors.js'

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'))

describe('GenerateContentResponse → chat completion', () => {
  it('maps text, thought summary and usage (thoughts inside completion tokens, cached detailed)', () => {
    const r = fromGenerateContent(fixture('generate-content.json'), 'gemini', 'gemini-2.5-flash')
    expect(r).toMatchObject({ id: 'chatcmpl-Vd3FaN2aFdSjz7IPzPjv2Ag', object: 'chat.completion', model: 'gemini-2.5-flash' })
    expect(r.choices).toEqual([{
      index: 0,
      message: { role: 'assistant', content: 'The sky is blue because air scatters short wavelengths of sunlight more than long ones.', reasoning_content: 'The user wants a short answer about the sky.' },
      finish_reason: 'stop',
    }])
    expect(r.usage).toEqual({ prompt_tokens: 12, completion_tokens: 112, total_tokens: 124, prompt_tokens_details: { cached_tokens: 8 }, completion_tokens_details: { reasoning_tokens: 94 } })
  })

  it('maps parallel function calls to tool calls with stable ids, the signature on the first', () => {
    const a = fromGenerateContent(fixture('function-calls.json'), 'gemini', 'm')
    const b = fromGenerateContent(fixture('function-calls.json'), 'gemini', 'm')
    const calls = a.choices[0].message.tool_calls!
    expect(a.choices[0].finish_reason).toBe('tool_calls')
    expect(a.choices[0].message.content).toBeNull()
    expect(calls.map((c) => c.function)).toEqual([
      { name: 'get_current_temperature', arguments: '{"location":"Paris"}' },
      { name: 'get_current_temperature', arguments: '{"location":"London"}' },
    ])
    expect(calls[0].id).toMatch(/^call_[0-9a-f]{24}$/)
    expect(calls[0].id).not.toBe(calls[1].id)
    expect(b.choices[0].message.tool_calls!.map((c) => c.id)).toEqual(calls.map((c) => c.id))
    expect(calls[0]).toHaveProperty('extra_content', { google: { thought_signature: 'CiQB0e2Kb7Xz1t2Q8m1P' } })
    expect(calls[1]).not.toHaveProperty('extra_content')
  })

  it('keeps an id Gemini gave, one choice per candidate, logprobs and generated images', () => {
    const r = fromGenerateContent({
      candidates: [
        { content: { parts: [{ functionCall: { id: 'fc-1', name: 'f', args: {} } }] }, finishReason: 'STOP', index: 0 },
        {
          content: { parts: [{ text: 'Hi' }, { inlineData: { mimeType: 'image/png', data: 'AAA=' } }] },
          finishReason: 'MAX_TOKENS',
          index: 1,
          logprobsResult: { chosenCandidates: [{ token: 'Hi', logProbability: -0.1 }], topCandidates: [{ candidates: [{ token: 'Hi', logProbability: -0.1 }, { token: 'Hey', logProbability: -2.3 }] }] },
        },
      ],
    }, 'gemini', 'm')
    expect(r.choices[0].message.tool_calls![0].id).toBe('fc-1')
    expect(r.choices[1]).toEqual({
      index: 1,
      message: { role: 'assistant', content: 'Hi', images: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AAA=' } }] },
      finish_reason: 'length',
      logprobs: { content: [{ token: 'Hi', logprob: -0.1, bytes: null, top_logprobs: [{ token: 'Hi', logprob: -0.1, bytes: null }, { token: 'Hey', logprob: -2.3, bytes: null }] }] },
    })
    expect(r.usage).toBeUndefined()
  })

  it('answers a blocked prompt as an empty content_filter choice, and refuses an empty answer', () => {
    expect(fromGenerateContent({ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' } }, 'gemini', 'm').choices).toEqual([{ index: 0, message: { role: 'assistant', content: null }, finish_reason: 'content_filter' }])
    expect(() => fromGenerateContent({}, 'gemini', 'm')).toThrow(expect.objectContaining({ status: 502, type: 'provider_invalid_response' }))
    expect(() => fromGenerateContent('nope', 'gemini', 'm')).toThrow(expect.objectContaining({ type: 'provider_invalid_response' }))
  })

  it.each([
    ['STOP', false, 'stop'],
    ['STOP', true, 'tool_calls'],
    ['MAX_TOKENS', false, 'length'],
    ['SAFETY', false, 'content_filter'],
    ['RECITATION', false, 'content_filter'],
    ['PROHIBITED_CONTENT', false, 'content_filter'],
    ['BLOCKLIST', false, 'content_filter'],
    ['SPII', false, 'content_filter'],
    ['IMAGE_SAFETY', false, 'content_filter'],
    ['MALFORMED_FUNCTION_CALL', false, 'stop'],
    ['OTHER', false, 'stop'],
    [undefined, false, null],
    ['FINISH_REASON_UNSPECIFIED', false, null],
  ])('finishReason %s (tool calls: %s) → %s', (reason, calls, expected) => {
    expect(finishReason(reason, calls)).toBe(expected)
  })
})

describe('Google errors', () => {
  const map = (status: number, body: unknown, headers: Record<string, string> = {}) => mapGoogleError({ status, body, headers }, 'gemini')

  it('turns a quota error with RetryInfo into a 429 with retry-after', () => {
    const e = map(429, fixture('error-quota.json'))
    expect(e).toMatchObject({ status: 429, type: 'provider_rate_limited', code: 'RESOURCE_EXHAUSTED', headers: { 'retry-after': '37' } })
    expect(e.message).toContain('You exceeded your current quota')
  })

  it('treats an invalid API key (a 400 from Google) as our credentials failing', () => {
    expect(map(400, fixture('error-api-key.json'))).toMatchObject({ status: 502, type: 'provider_authentication' })
  })

  it.each([
    [400, 'INVALID_ARGUMENT', 400, 'provider_bad_request'],
    [400, 'FAILED_PRECONDITION', 400, 'provider_bad_request'],
    [401, 'UNAUTHENTICATED', 502, 'provider_authentication'],
    [403, 'PERMISSION_DENIED', 502, 'provider_authentication'],
    [404, 'NOT_FOUND', 404, 'provider_not_found'],
    [429, 'RESOURCE_EXHAUSTED', 429, 'provider_rate_limited'],
    [500, 'INTERNAL', 502, 'provider_error'],
    [503, 'UNAVAILABLE', 503, 'provider_unavailable'],
    [504, 'DEADLINE_EXCEEDED', 504, 'provider_timeout'],
  ])('%i %s → %i %s', (status, rpc, ours, type) => {
    const e = map(status, { error: { code: status, message: 'm', status: rpc } })
    expect(e).toMatchObject({ status: ours, type, code: rpc })
  })

  it('reads the google.rpc status alone when there is no HTTP status (errors inside a stream)', () => {
    expect(map(0, { error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' } })).toMatchObject({ status: 503, type: 'provider_unavailable' })
    expect(map(0, { error: { message: 'quota', status: 'RESOURCE_EXHAUSTED' } })).toMatchObject({ status: 429, type: 'provider_rate_limited' })
  })

  it('copes with a body that is not Google JSON, and prefers a retry-after header', () => {
    expect(map(502, '<html>Bad Gateway</html>')).toMatchObject({ status: 502, type: 'provider_error', message: expect.stringContaining('Bad Gateway') })
    expect(map(429, fixture('error-quota.json'), { 'retry-after': '5' }).headers).toEqual({ 'retry-after': '5' })
  })
})
