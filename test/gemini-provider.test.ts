import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import OpenAI from 'openai'
import { createGateway } from '@sluice/core'
import type { Gateway } from '@sluice/core'
import { startMockGemini } from './helpers/mock-gemini.js'
import type { MockGemini } from './helpers/mock-gemini.js'

// The official openai SDK, through the gateway, to a Gemini upstream speaking the real wire format.

const KEY = 'AIzaSy-upstream-secret-0123456789'

let upstream: MockGemini
let gateway: Gateway
let client: OpenAI

beforeAll(async () => {
  upstream = await startMockGemini()
  gateway = await createGateway(
    {
      plugins: [
        ['@sluice/provider-gemini', { baseURL: upstream.url, keys: [{ value: KEY }], models: ['gemini-2.5-flash', 'gemini-embedding-001'] }],
        // Instances of their own: a 403 takes the key out and a 429 rests it, as they should.
        ['@sluice/provider-gemini', { id: 'locked', baseURL: upstream.url, keys: [{ value: KEY }], models: ['locked-model'] }],
        // Gemini refuses a bad key with a 400 API_KEY_INVALID: that takes the key out too.
        ['@sluice/provider-gemini', { id: 'badkey', baseURL: upstream.url, keys: [{ value: KEY }], models: ['badkey-model'] }],
        ['@sluice/provider-gemini', { id: 'limited', baseURL: upstream.url, keys: [{ value: KEY }], models: ['limited-model'] }],
      ],
      routing: { retry: { attempts: 1 }, circuit: { failureThreshold: 1000, cooldownMs: 1000 } },
    },
    { logWrite: () => {} },
  )
  await gateway.listen({ port: 0, host: '127.0.0.1' })
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'client-key', maxRetries: 0 })
})

afterAll(async () => {
  await gateway?.close()
  await upstream?.close()
})

const user = (content: string) => [{ role: 'user' as const, content }]
const weather = { type: 'function' as const, function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } }, required: ['city'], additionalProperties: false } } }

describe('OpenAI SDK → Gemini upstream', () => {
  it('answers a plain chat, with the key in x-goog-api-key and usage in OpenAI terms', async () => {
    const r = await client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'system', content: 'Be brief.' }, ...user('hello')], temperature: 0.3, max_tokens: 50, stop: ['END'] })
    expect(r.choices[0].message.content).toBe('You said: hello')
    expect(r.choices[0].finish_reason).toBe('stop')
    expect(r.id).toBe('chatcmpl-mockResp-9f3a')
    // completion = candidates + thoughts; cached and reasoning kept in the details.
    expect(r.usage).toEqual({ prompt_tokens: 11, completion_tokens: 10, total_tokens: 21, prompt_tokens_details: { cached_tokens: 4 }, completion_tokens_details: { reasoning_tokens: 3 } })
    const sent = upstream.received.at(-1)!
    expect(sent.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent')
    expect(sent.headers['x-goog-api-key']).toBe(KEY)
    expect(sent.headers.authorization).toBeUndefined()
    expect(sent.json).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'hello' }] }],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      generationConfig: { temperature: 0.3, maxOutputTokens: 50, stopSequences: ['END'] },
    })
  })

  it('streams over SSE, with usage last when include_usage is set', async () => {
    const stream = await client.chat.completions.create({ model: 'gemini-2.5-flash', messages: user('stream me please'), stream: true, stream_options: { include_usage: true } })
    let text = ''
    const chunks: OpenAI.ChatCompletionChunk[] = []
    for await (const chunk of stream) {
      chunks.push(chunk)
      text += chunk.choices[0]?.delta.content ?? ''
    }
    expect(text).toBe('You said: stream me please')
    expect(upstream.received.at(-1)!.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse')
    expect(chunks.at(-2)!.choices[0].finish_reason).toBe('stop')
    expect(chunks.at(-1)!.choices).toEqual([])
    expect(chunks.at(-1)!.usage?.total_tokens).toBe(21)
  })

  it('sends no usage chunk to a client that did not ask for one', async () => {
    const stream = await client.chat.completions.create({ model: 'gemini-2.5-flash', messages: user('no usage chunk'), stream: true })
    const chunks: OpenAI.ChatCompletionChunk[] = []
    for await (const chunk of stream) chunks.push(chunk)
    expect(chunks.every((c) => c.choices.length === 1 && !c.usage)).toBe(true)
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe('stop')
  })

  it('round-trips a tool call: synthesized id, result sent back by name with its thought signature', async () => {
    const first = await client.chat.completions.create({ model: 'gemini-2.5-flash', messages: user('use a tool'), tools: [weather], tool_choice: 'auto' })
    const choice = first.choices[0]
    expect(choice.finish_reason).toBe('tool_calls')
    const call = choice.message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall & { extra_content?: unknown }
    expect(call.id).toMatch(/^call_[0-9a-f]{24}$/)
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris', unit: 'c' })
    expect(call.extra_content).toEqual({ google: { thought_signature: 'c2lnbmF0dXJlLWZvci1nZXRfd2VhdGhlcg==' } })
    const sentTools = upstream.received.at(-1)!.json
    expect(sentTools.tools).toEqual([{ functionDeclarations: [{ name: 'get_weather', description: 'Weather for a city', parametersJsonSchema: weather.function.parameters }] }])
    expect(sentTools.toolConfig).toEqual({ functionCallingConfig: { mode: 'AUTO' } })

    // The same call, streamed, gets the same id: ids depend on the answer, not on the transport.
    const streamed = await client.chat.completions.stream({ model: 'gemini-2.5-flash', messages: user('use a tool'), tools: [weather] }).finalChatCompletion()
    expect((streamed.choices[0].message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall).id).toBe(call.id)
    expect(streamed.choices[0].finish_reason).toBe('tool_calls')

    const second = await client.chat.completions.create({
      model: 'gemini-2.5-flash',
      tools: [weather],
      messages: [...user('use a tool'), choice.message, { role: 'tool', tool_call_id: call.id, content: '{"temp":21,"sky":"sunny"}' }],
    })
    expect(second.choices[0].message.content).toBe('It is sunny in Paris.')
    expect(upstream.received.at(-1)!.json.contents).toEqual([
      { role: 'user', parts: [{ text: 'use a tool' }] },
      { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris', unit: 'c' } }, thoughtSignature: 'c2lnbmF0dXJlLWZvci1nZXRfd2VhdGhlcg==' }] },
      { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temp: 21, sky: 'sunny' } } }] },
    ])
  })

  it('forces a named function with ANY and allowedFunctionNames', async () => {
    await client.chat.completions.create({ model: 'gemini-2.5-flash', messages: user('use a tool'), tools: [weather], tool_choice: { type: 'function', function: { name: 'get_weather' } } })
    expect(upstream.received.at(-1)!.json.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } })
  })

  it('asks for JSON with a schema, n candidates and a seed', async () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] }
    await client.chat.completions.create({ model: 'gemini-2.5-flash', messages: user('json please'), n: 2, seed: 7, top_p: 0.9, response_format: { type: 'json_schema', json_schema: { name: 'a', schema } } })
    expect(upstream.received.at(-1)!.json.generationConfig).toEqual({ topP: 0.9, candidateCount: 2, seed: 7, responseMimeType: 'application/json', responseJsonSchema: schema })
  })

  it('reports a blocked prompt as an empty answer finished by content_filter', async () => {
    const r = await client.chat.completions.create({ model: 'gemini-2.5-flash', messages: user('blocked') })
    expect(r.choices[0]).toMatchObject({ finish_reason: 'content_filter', message: { content: null } })
  })

  it('creates embeddings through batchEmbedContents, float and base64', async () => {
    const r = await client.embeddings.create({ model: 'gemini-embedding-001', input: ['a', 'b'], encoding_format: 'float', dimensions: 3 })
    expect(r.data.map((d) => d.embedding)).toEqual([[0.25, -0.5, 0.75], [0.25, -0.5, 0.75]])
    const sent = upstream.received.at(-1)!
    expect(sent.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents')
    expect(sent.json).toEqual({ requests: [
      { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a' }] }, outputDimensionality: 3 },
      { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'b' }] }, outputDimensionality: 3 },
    ] })
    // The SDK asks for base64 by default and decodes it.
    const b = await client.embeddings.create({ model: 'gemini-embedding-001', input: 'a' })
    expect(b.data[0].embedding).toEqual([0.25, -0.5, 0.75, 0])
  })
})

describe('OpenAI SDK → Gemini upstream: refusals and errors', () => {
  it('refuses an OpenAI feature Gemini lacks with a 400 naming it, before any upstream call', async () => {
    const before = upstream.received.length
    const error = (await client.chat.completions.create({ model: 'gemini-2.5-flash', messages: user('x'), logit_bias: { 50256: -100 } }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>
    expect(error).toBeInstanceOf(OpenAI.BadRequestError)
    expect(error.type).toBe('provider_unsupported')
    expect(error.param).toBe('logit_bias')
    expect(upstream.received.length).toBe(before)
  })

  it.each([
    ['error:400', 400, 'provider_bad_request', 'INVALID_ARGUMENT'],
    ['error:key', 502, 'provider_authentication', 'INVALID_ARGUMENT'],
    // A 403 takes the key out; the client hears the upstream's refusal (no second key to try).
    ['error:403', 502, 'provider_authentication', 'PERMISSION_DENIED'],
    ['error:404', 404, 'provider_not_found', 'NOT_FOUND'],
    ['error:429', 429, 'provider_rate_limited', 'RESOURCE_EXHAUSTED'],
    ['error:500', 502, 'provider_error', 'INTERNAL'],
    ['error:503', 503, 'provider_unavailable', 'UNAVAILABLE'],
  ])('maps "%s" to %i %s', async (content, status, type, rpc) => {
    const model = content === 'error:403' ? 'locked-model' : content === 'error:key' ? 'badkey-model' : content === 'error:429' ? 'limited-model' : 'gemini-2.5-flash'
    const error = (await client.chat.completions.create({ model, messages: user(content) }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>
    expect(error.status).toBe(status)
    expect(error.type).toBe(type)
    expect(error.code).toBe(rpc)
    expect(JSON.stringify(error.error)).not.toContain(KEY)
    if (status === 429) expect(error.headers?.get('retry-after')).toBe('7')
  })

  it('raises a mid-stream Gemini error event as an SDK error, after the text that came first', async () => {
    const stream = await client.chat.completions.create({ model: 'gemini-2.5-flash', messages: user('midstream'), stream: true })
    let text = ''
    const run = (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
    })()
    await expect(run).rejects.toBeInstanceOf(OpenAI.APIError)
    expect(text).toBe('You')
  })

  it('treats a stream cut before any finishReason as a failure', async () => {
    const stream = await client.chat.completions.create({ model: 'gemini-2.5-flash', messages: user('die'), stream: true })
    const run = (async () => {
      for await (const _ of stream);
    })()
    await expect(run).rejects.toBeInstanceOf(OpenAI.APIError)
  })
})
