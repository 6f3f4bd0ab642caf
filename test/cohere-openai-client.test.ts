import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import OpenAI from 'openai'
import { createGateway } from '@sluice/core'
import type { Gateway } from '@sluice/core'
import { startMockCohere } from './helpers/mock-cohere.js'
import type { MockCohere } from './helpers/mock-cohere.js'

// The official openai SDK, through the gateway, to a Cohere upstream speaking the real v2 wire format.

const KEY = 'co-upstream-secret-0123456789abcdef'

let upstream: MockCohere
let gateway: Gateway
let client: OpenAI

beforeAll(async () => {
  upstream = await startMockCohere(KEY)
  gateway = await createGateway(
    {
      plugins: [
        ['@sluice/provider-cohere', { baseURL: upstream.url, keys: [{ value: KEY }], models: ['command-a-03-2025', 'embed-v4.0'] }],
        ['@sluice/provider-cohere', { id: 'queries', baseURL: upstream.url, keys: [{ value: KEY }], models: ['embed-query'], inputType: 'search_query' }],
        ['@sluice/provider-cohere', { id: 'badkey', baseURL: upstream.url, keys: [{ value: 'co-wrong-key-0123456789' }], models: ['badkey-model'] }],
        ['@sluice/provider-cohere', { id: 'limited', baseURL: upstream.url, keys: [{ value: KEY }], models: ['limited-model'] }],
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
const weather = { type: 'function' as const, function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } }, required: ['city'] } } }

describe('OpenAI SDK → Cohere upstream', () => {
  it('answers a plain chat, with the key as a Bearer token and usage in OpenAI terms', async () => {
    const r = await client.chat.completions.create({ model: 'command-a-03-2025', messages: [{ role: 'system', content: 'Be brief.' }, ...user('hello')], temperature: 0.3, top_p: 0.9, max_tokens: 50, stop: ['END'], seed: 7 })
    expect(r.choices[0].message.content).toBe('You said: hello')
    expect(r.choices[0].finish_reason).toBe('stop')
    expect(r.id).toBe('chatcmpl-c14c80c3-18eb-4519-9460-6c92edd8cfb4')
    expect(r.usage).toEqual({ prompt_tokens: 11, completion_tokens: 7, total_tokens: 18, prompt_tokens_details: { cached_tokens: 4 }, billed_units: { input_tokens: 9, output_tokens: 7 } })
    const sent = upstream.received.at(-1)!
    expect(sent.path).toBe('/v2/chat')
    expect(sent.headers.authorization).toBe(`Bearer ${KEY}`)
    expect(sent.json).toEqual({
      model: 'command-a-03-2025',
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hello' }],
      max_tokens: 50,
      stop_sequences: ['END'],
      temperature: 0.3,
      p: 0.9,
      seed: 7,
    })
  })

  it('streams over SSE, with usage last when include_usage is set', async () => {
    const stream = await client.chat.completions.create({ model: 'command-a-03-2025', messages: user('stream me please'), stream: true, stream_options: { include_usage: true } })
    let text = ''
    const chunks: OpenAI.ChatCompletionChunk[] = []
    for await (const chunk of stream) {
      chunks.push(chunk)
      text += chunk.choices[0]?.delta.content ?? ''
    }
    expect(text).toBe('You said: stream me please')
    expect(upstream.received.at(-1)!.json.stream).toBe(true)
    expect(chunks[0].choices[0].delta.role).toBe('assistant')
    expect(chunks.at(-2)!.choices[0].finish_reason).toBe('stop')
    expect(chunks.at(-1)!.choices).toEqual([])
    expect(chunks.at(-1)!.usage?.total_tokens).toBe(18)
  })

  it('round-trips a tool call: Cohere ids, the tool plan as reasoning and back as tool_plan', async () => {
    const first = await client.chat.completions.create({ model: 'command-a-03-2025', messages: user('use a tool'), tools: [weather], tool_choice: 'required' })
    const choice = first.choices[0]
    expect(choice.finish_reason).toBe('tool_calls')
    const message = choice.message as typeof choice.message & { reasoning_content?: string }
    expect(message.reasoning_content).toBe('I will look up the weather in Paris.')
    const call = choice.message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall
    expect(call).toEqual({ id: 'get_weather_nsz5zm3w56q3', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"c"}' } })
    expect(upstream.received.at(-1)!.json).toMatchObject({ tools: [weather], tool_choice: 'REQUIRED' })

    const streamed = await client.chat.completions.stream({ model: 'command-a-03-2025', messages: user('use a tool'), tools: [weather] }).finalChatCompletion()
    const streamedCall = streamed.choices[0].message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall
    expect(streamedCall.id).toBe(call.id)
    expect(JSON.parse(streamedCall.function.arguments)).toEqual({ city: 'Paris', unit: 'c' })
    expect(streamed.choices[0].finish_reason).toBe('tool_calls')

    const second = await client.chat.completions.create({
      model: 'command-a-03-2025',
      tools: [weather],
      messages: [...user('use a tool'), choice.message, { role: 'tool', tool_call_id: call.id, content: '{"temp":21,"sky":"sunny"}' }],
    })
    expect(second.choices[0].message.content).toBe('It is sunny in Paris.')
    expect(upstream.received.at(-1)!.json.messages).toEqual([
      { role: 'user', content: 'use a tool' },
      { role: 'assistant', tool_plan: 'I will look up the weather in Paris.', tool_calls: [call] },
      { role: 'tool', tool_call_id: call.id, content: '{"temp":21,"sky":"sunny"}' },
    ])
  })

  it('maps response_format json_schema and a named tool choice', async () => {
    const schema = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] }
    await client.chat.completions.create({ model: 'command-a-03-2025', messages: user('json please'), response_format: { type: 'json_schema', json_schema: { name: 'person', schema } } })
    expect(upstream.received.at(-1)!.json.response_format).toEqual({ type: 'json_object', json_schema: schema })
    const other = { type: 'function' as const, function: { name: 'other', parameters: { type: 'object', properties: {} } } }
    await client.chat.completions.create({ model: 'command-a-03-2025', messages: user('hi'), tools: [weather, other], tool_choice: { type: 'function', function: { name: 'get_weather' } } })
    expect(upstream.received.at(-1)!.json).toMatchObject({ tools: [weather], tool_choice: 'REQUIRED' })
  })

  it('embeds: texts, the input type, float vectors (as base64 for the SDK by default) and usage', async () => {
    const r = await client.embeddings.create({ model: 'embed-v4.0', input: ['first text', 'second text'] })
    expect(r.data.map((d) => d.embedding)).toEqual([[0.25, -0.5, 0.75, 0], [0.25, -0.5, 0.75, 1]])
    expect(r.usage).toEqual({ prompt_tokens: 6, total_tokens: 6 })
    expect(r.model).toBe('embed-v4.0')
    expect(upstream.received.at(-1)!.json).toEqual({ model: 'embed-v4.0', texts: ['first text', 'second text'], input_type: 'search_document', embedding_types: ['float'] })

    const floats = await client.embeddings.create({ model: 'embed-query', input: 'a query', encoding_format: 'float', dimensions: 2 })
    expect(floats.data[0].embedding).toEqual([0.25, -0.5])
    expect(upstream.received.at(-1)!.json).toMatchObject({ texts: ['a query'], input_type: 'search_query', output_dimension: 2 })
  })

  it('maps Cohere errors: 429 rate limited, a refused key, a bad request, an ERROR mid-stream', async () => {
    await expect(client.chat.completions.create({ model: 'limited-model', messages: user('error:429') })).rejects.toMatchObject({ status: 429, error: { type: 'provider_rate_limited' } })
    await expect(client.chat.completions.create({ model: 'badkey-model', messages: user('hi') })).rejects.toMatchObject({ status: 502, error: { type: 'provider_authentication' } })
    await expect(client.chat.completions.create({ model: 'command-a-03-2025', messages: user('error:422') })).rejects.toMatchObject({ status: 400, error: { type: 'provider_bad_request' } })
    await expect(client.chat.completions.create({ model: 'command-a-03-2025', messages: user('hi'), n: 2 })).rejects.toMatchObject({ status: 400, error: { type: 'provider_unsupported', param: 'n' } })
    const stream = await client.chat.completions.create({ model: 'command-a-03-2025', messages: user('midstream'), stream: true })
    let text = ''
    const run = (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
    })()
    await expect(run).rejects.toBeInstanceOf(OpenAI.APIError)
    expect(text).toBe('You')
  })
})
