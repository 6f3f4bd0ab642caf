import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGateway } from '@sluice/core'
import type { Gateway } from '@sluice/core'
import { startMockGemini } from './helpers/mock-gemini.js'
import type { MockGemini } from './helpers/mock-gemini.js'

// Raw HTTP against the Gemini-compatible front door (/genai), with (a) a Gemini upstream, where
// bytes pass through unchanged, and (b) the in-process OpenAI-shaped mock provider.

const KEY = 'AIzaSy-upstream-secret-0123456789'

let upstream: MockGemini
let gateway: Gateway

beforeAll(async () => {
  upstream = await startMockGemini()
  gateway = await createGateway(
    {
      plugins: [
        ['@sluice/provider-gemini', { baseURL: upstream.url, keys: [{ value: KEY }], models: ['gemini-2.5-flash', 'gemini-embedding-001'] }],
        ['@sluice/mock-provider', { models: ['mock-1', 'mock-embed'] }],
      ],
      routing: { retry: { attempts: 1 }, circuit: { failureThreshold: 1000, cooldownMs: 1000 } },
    },
    { logWrite: () => {} },
  )
  await gateway.listen({ port: 0, host: '127.0.0.1' })
})

afterAll(async () => {
  await gateway?.close()
  await upstream?.close()
})

type Json = Record<string, any>

async function post(path: string, body: string | Json, headers: Record<string, string> = {}) {
  const res = await fetch(`${gateway.url}/genai/v1beta/models/${path}`, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', 'x-goog-api-key': 'client-key', ...headers },
  })
  return { status: res.status, headers: res.headers, text: await res.text() }
}

/** The GenerateContentResponse objects of an SSE body. */
function sseEvents(text: string): Json[] {
  return text
    .split(/\r?\n\r?\n/)
    .filter((block) => block.startsWith('data: '))
    .map((block) => JSON.parse(block.slice(6)))
}

const textOf = (events: Json[]) => events.map((e) => (e.candidates?.[0]?.content?.parts ?? []).map((p: Json) => p.text ?? '').join('')).join('')
const ask = (text: string, extra: Json = {}) => ({ contents: [{ role: 'user', parts: [{ text }] }], ...extra })
const weather = { functionDeclarations: [{ name: 'get_weather', description: 'Weather for a city', parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } }, required: ['city'] } }] }

describe('/genai with a Gemini upstream: same format, bytes unchanged', () => {
  it('forwards the client bytes and returns the upstream bytes, keys read as Google clients send them', async () => {
    const body = '{ "contents" : [ {"parts":[{"text":"bytes"}], "role":"user"} ],\n "generationConfig": {"temperature": 0.25, "topK": 3},  "safetySettings": [] }'
    const r = await post('gemini-2.5-flash:generateContent?key=client-key-in-query', body)
    expect(r.status).toBe(200)
    const sent = upstream.received.at(-1)!
    expect(sent.raw.toString()).toBe(body)
    expect(sent.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent')
    // The gateway's key goes up, never the client's.
    expect(sent.headers['x-goog-api-key']).toBe(KEY)
    expect(r.text).toBe(upstream.lastBody)
    expect(r.headers.get('x-sluice-provider')).toBe('gemini')
  })

  it('streams the upstream SSE bytes back unchanged', async () => {
    const r = await post('gemini-2.5-flash:streamGenerateContent?alt=sse', ask('raw stream please'))
    expect(r.status).toBe(200)
    expect(r.headers.get('content-type')).toContain('text/event-stream')
    expect(upstream.received.at(-1)!.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse')
    expect(r.text).toBe(upstream.lastBody)
    expect(textOf(sseEvents(r.text))).toBe('You said: raw stream please')
  })

  it('passes a function call with its thought signature through untouched', async () => {
    const r = await post('gemini-2.5-flash:generateContent', ask('use a tool', { tools: [weather] }))
    expect(r.text).toBe(upstream.lastBody)
    expect(JSON.parse(r.text).candidates[0].content.parts[0]).toEqual({ functionCall: { name: 'get_weather', args: { city: 'Paris', unit: 'c' } }, thoughtSignature: 'c2lnbmF0dXJlLWZvci1nZXRfd2VhdGhlcg==' })
  })

  it('translates when the model is named provider/model (no top-level model to swap in Gemini bodies)', async () => {
    const r = await post('gemini/gemini-2.5-flash:generateContent', ask('renamed', { generationConfig: { maxOutputTokens: 9, topK: 2 }, safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }] }))
    expect(r.status).toBe(200)
    const sent = upstream.received.at(-1)!
    expect(sent.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent')
    // Gemini-only fields survive the trip through canonical form.
    expect(sent.json).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'renamed' }] }],
      generationConfig: { maxOutputTokens: 9, topK: 2 },
      safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
    })
    const json = JSON.parse(r.text)
    expect(json.candidates[0]).toEqual({ index: 0, content: { role: 'model', parts: [{ text: 'You said: renamed' }] }, finishReason: 'STOP' })
    expect(json.usageMetadata).toEqual({ promptTokenCount: 11, candidatesTokenCount: 7, totalTokenCount: 21, cachedContentTokenCount: 4, thoughtsTokenCount: 3 })
    expect(json.responseId).toBe('mockResp-9f3a')
  })

  it('streams as a JSON array without alt=sse', async () => {
    const r = await post('gemini-2.5-flash:streamGenerateContent', ask('array please'))
    expect(r.status).toBe(200)
    const events = JSON.parse(r.text) as Json[]
    expect(textOf(events)).toBe('You said: array please')
    expect(events.at(-1)!.usageMetadata.totalTokenCount).toBe(21)
    expect(events.at(-1)!.candidates[0].finishReason).toBe('STOP')
  })

  it('answers upstream errors in the Google error shape', async () => {
    const r = await post('gemini-2.5-flash:generateContent', ask('error:400'))
    expect(r.status).toBe(400)
    expect(JSON.parse(r.text).error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT', message: expect.stringContaining('upstream refused with 400') })
    expect(r.text).not.toContain(KEY)
  })

  it('ends a stream that fails mid-way with a Google error event', async () => {
    const r = await post('gemini-2.5-flash:streamGenerateContent?alt=sse', ask('midstream'))
    const events = sseEvents(r.text)
    expect(textOf(events.slice(0, 1))).toBe('You')
    expect(events.at(-1)!.error).toMatchObject({ code: 503, status: 'UNAVAILABLE' })
  })

  it('embeds through batchEmbedContents and answers embedContent in its own shape', async () => {
    const one = await post('gemini-embedding-001:embedContent', { content: { parts: [{ text: 'a' }] }, taskType: 'RETRIEVAL_QUERY', outputDimensionality: 3 })
    expect(JSON.parse(one.text)).toEqual({ embedding: { values: [0.25, -0.5, 0.75] } })
    expect(upstream.received.at(-1)!.json).toEqual({ requests: [{ model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a' }] }, outputDimensionality: 3, taskType: 'RETRIEVAL_QUERY' }] })
    const batch = await post('gemini-embedding-001:batchEmbedContents', { requests: [{ model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a' }] } }, { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'b' }] } }] })
    expect(JSON.parse(batch.text).embeddings).toHaveLength(2)
  })
})

describe('/genai with an OpenAI-shaped upstream (@sluice/mock-provider)', () => {
  it('answers generateContent in the Gemini shape', async () => {
    const r = await post('mock-1:generateContent', { systemInstruction: { parts: [{ text: 'Be brief.' }] }, ...ask('hello') })
    expect(r.status).toBe(200)
    const json = JSON.parse(r.text)
    expect(json.candidates).toEqual([{ index: 0, content: { role: 'model', parts: [{ text: 'Echo: hello' }] }, finishReason: 'STOP' }])
    expect(json.usageMetadata).toMatchObject({ promptTokenCount: expect.any(Number), candidatesTokenCount: expect.any(Number), totalTokenCount: expect.any(Number) })
    expect(json.modelVersion).toBe('mock-1')
  })

  it('streams SSE events, usage on the last one', async () => {
    const r = await post('mock-1:streamGenerateContent?alt=sse', ask('stream this for me'))
    expect(r.headers.get('content-type')).toContain('text/event-stream')
    const events = sseEvents(r.text)
    expect(events.length).toBeGreaterThan(2)
    expect(textOf(events)).toBe('Echo: stream this for me')
    expect(events.at(-1)!.candidates[0].finishReason).toBe('STOP')
    expect(events.at(-1)!.usageMetadata.totalTokenCount).toBeGreaterThan(0)
    expect(events.slice(0, -1).every((e) => !e.usageMetadata)).toBe(true)
  })

  it('streams a JSON array without alt=sse', async () => {
    const r = await post('mock-1:streamGenerateContent', ask('as an array'))
    const events = JSON.parse(r.text) as Json[]
    expect(textOf(events)).toBe('Echo: as an array')
  })

  it('calls a function (arguments gathered from fragments), then takes its result back', async () => {
    const first = await post('mock-1:streamGenerateContent?alt=sse', ask('use a tool', { tools: [weather] }))
    const events = sseEvents(first.text)
    const last = events.at(-1)!
    expect(last.candidates[0].finishReason).toBe('STOP')
    const call = last.candidates[0].content.parts[0].functionCall
    expect(call).toEqual({ name: 'get_weather', args: { city: 'example' }, id: expect.stringMatching(/^call_mock_/) })

    const second = await post('mock-1:generateContent', {
      tools: [weather],
      contents: [
        { role: 'user', parts: [{ text: 'use a tool' }] },
        { role: 'model', parts: [{ functionCall: call }] },
        { role: 'user', parts: [{ functionResponse: { name: 'get_weather', id: call.id, response: { temp: 21 } } }] },
      ],
    })
    expect(JSON.parse(second.text).candidates[0].content.parts[0].text).toBe('Echo: use a tool')
  })

  it('forces a function with mode ANY', async () => {
    const r = await post('mock-1:generateContent', ask('no mention here', { tools: [weather], toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } } }))
    expect(JSON.parse(r.text).candidates[0].content.parts[0].functionCall.name).toBe('get_weather')
  })

  it('answers candidateCount with several candidates', async () => {
    const r = await post('mock-1:generateContent', ask('two please', { generationConfig: { candidateCount: 2 } }))
    expect(JSON.parse(r.text).candidates.map((c: Json) => c.content.parts[0].text)).toEqual(['Echo: two please', 'Echo: two please (2)'])
  })

  it('embeds with embedContent and batchEmbedContents', async () => {
    const one = JSON.parse((await post('mock-embed:embedContent', { content: { parts: [{ text: 'a' }] } })).text)
    expect(one.embedding.values).toHaveLength(8)
    const batch = JSON.parse((await post('mock-embed:batchEmbedContents', { requests: [{ content: { parts: [{ text: 'a' }] } }, { content: { parts: [{ text: 'b' }] } }] })).text)
    expect(batch.embeddings).toHaveLength(2)
    expect(batch.embeddings[0].values).toEqual(one.embedding.values)
  })

  it('lists and describes models as Gemini Model resources', async () => {
    const list = (await (await fetch(`${gateway.url}/genai/v1beta/models`)).json()) as { models: Json[] }
    expect(list.models.map((m) => m.name)).toEqual(expect.arrayContaining(['models/gemini-2.5-flash', 'models/mock-1']))
    const one = (await (await fetch(`${gateway.url}/genai/v1beta/models/mock-1`)).json()) as Json
    expect(one).toMatchObject({ name: 'models/mock-1', supportedGenerationMethods: expect.arrayContaining(['generateContent']) })
  })
})

describe('/genai errors in the Google shape', () => {
  const errorOf = (text: string) => JSON.parse(text).error as { code: number; status: string; message: string; details: Json[] }

  it.each([
    ['unknown model', 'nope-model:generateContent', ask('x'), 404, 'NOT_FOUND', 'caller_model_not_found'],
    ['no contents', 'mock-1:generateContent', { generationConfig: {} }, 400, 'INVALID_ARGUMENT', 'caller_invalid_request'],
    ['a bad role', 'mock-1:generateContent', { contents: [{ role: 'wizard', parts: [{ text: 'x' }] }] }, 400, 'INVALID_ARGUMENT', 'caller_invalid_request'],
    ['invalid JSON', 'mock-1:generateContent', '{bad', 400, 'INVALID_ARGUMENT', 'caller_invalid_json'],
    ['an unknown method', 'mock-1:countTokens', ask('x'), 404, 'NOT_FOUND', 'caller_not_found'],
    ['an upstream 429', 'mock-1:generateContent', ask('mock:error:429'), 429, 'RESOURCE_EXHAUSTED', 'provider_rate_limited'],
  ])('%s → %i %s', async (_name, path, body, status, rpc, reason) => {
    const r = await post(path, body as Json)
    expect(r.status).toBe(status)
    const error = errorOf(r.text)
    expect(error).toMatchObject({ code: status, status: rpc })
    expect(error.details[0]).toMatchObject({ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'sluice' })
    if (status === 429) expect(r.headers.get('retry-after')).toBe('1')
  })

  it('refuses other methods than POST', async () => {
    const r = await fetch(`${gateway.url}/genai/v1beta/models/mock-1:generateContent`)
    expect(r.status).toBe(405)
    expect(((await r.json()) as Json).error.status).toBe('INVALID_ARGUMENT')
  })
})
