import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import OpenAI from 'openai'
import { createGateway } from '@sluice/core'
import type { Gateway } from '@sluice/core'
import { startMockAnthropic } from './helpers/mock-anthropic.js'
import type { MockAnthropic } from './helpers/mock-anthropic.js'

// The official OpenAI SDK against /v1 with an Anthropic upstream: @sluice/provider-anthropic
// translates the request to the Messages API and the answer (JSON and SSE) back.

const KEY = 'sk-ant-upstream-secret-0123456789'
const MODEL = 'claude-opus-4-6'
const weather = { type: 'function' as const, function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }

let upstream: MockAnthropic
let gateway: Gateway
let client: OpenAI

beforeAll(async () => {
  upstream = await startMockAnthropic()
  gateway = await createGateway(
    {
      plugins: [['@sluice/provider-anthropic', { baseURL: upstream.url, keys: [{ value: KEY }], models: [MODEL], defaultMaxTokens: 777 }]],
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

describe('OpenAI SDK → /v1 → Anthropic upstream', () => {
  it('translates a plain request and answer', async () => {
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hello claude' }],
      temperature: 0.2,
      stop: ['###'],
    })
    expect(completion.choices[0]).toMatchObject({ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'You said: hello claude' } })
    expect(completion.id).toBe('msg_mock01')
    // Input 12 + 3 read from the cache: OpenAI counts cached tokens inside the prompt.
    expect(completion.usage).toMatchObject({ prompt_tokens: 15, completion_tokens: 7, total_tokens: 22, prompt_tokens_details: { cached_tokens: 3 } })
    const sent = upstream.received.at(-1)!
    expect(sent.path).toBe('/v1/messages')
    expect(sent.headers['x-api-key']).toBe(KEY)
    expect(sent.headers['anthropic-version']).toBe('2023-06-01')
    expect(sent.json).toEqual({ model: MODEL, max_tokens: 777, system: 'Be brief.', messages: [{ role: 'user', content: 'hello claude' }], temperature: 0.2, stop_sequences: ['###'] })
  })

  it('streams: role first, text deltas, the finish reason, usage when asked', async () => {
    const stream = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'stream it' }], stream: true, stream_options: { include_usage: true } })
    const chunks = []
    for await (const chunk of stream) chunks.push(chunk)
    expect(chunks[0].choices[0].delta).toMatchObject({ role: 'assistant' })
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('You said: stream it')
    expect(chunks.at(-2)!.choices[0].finish_reason).toBe('stop')
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 15, completion_tokens: 7 } })
    expect(upstream.received.at(-1)!.json.stream).toBe(true)
  })

  it('leaves usage out of the stream when the client did not ask for it', async () => {
    const stream = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'no usage' }], stream: true })
    const chunks = []
    for await (const chunk of stream) chunks.push(chunk)
    expect(chunks.every((c) => c.choices.length === 1 && !c.usage)).toBe(true)
  })

  it('round-trips a tool call, plain and streamed', async () => {
    const ask = { model: MODEL, tools: [weather], tool_choice: 'required' as const, parallel_tool_calls: false, messages: [{ role: 'user' as const, content: 'use the tool' }] }
    const first = await client.chat.completions.create(ask)
    expect(first.choices[0].finish_reason).toBe('tool_calls')
    const call = first.choices[0].message.tool_calls![0]
    expect(call).toEqual({ id: 'toolu_mock01', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"c"}' } })
    expect(upstream.received.at(-1)!.json).toMatchObject({
      tools: [{ name: 'get_weather', description: 'Weather for a city', input_schema: weather.function.parameters }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
    })

    const second = await client.chat.completions.create({ ...ask, tool_choice: 'auto', messages: [...ask.messages, first.choices[0].message, { role: 'tool', tool_call_id: call.id, content: '18°C' }] })
    expect(second.choices[0].message.content).toBe('It is sunny in Paris.')
    expect(upstream.received.at(-1)!.json.messages).toEqual([
      { role: 'user', content: 'use the tool' },
      { role: 'assistant', content: [{ type: 'text', text: 'Let me check.' }, { type: 'tool_use', id: 'toolu_mock01', name: 'get_weather', input: { city: 'Paris', unit: 'c' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_mock01', content: '18°C' }] },
    ])

    const stream = await client.chat.completions.create({ ...ask, stream: true })
    const calls = []
    let finish: string | null = null
    for await (const chunk of stream) {
      calls.push(...(chunk.choices[0]?.delta.tool_calls ?? []))
      finish ??= chunk.choices[0]?.finish_reason ?? null
    }
    expect(calls[0]).toMatchObject({ index: 0, id: 'toolu_mock01', type: 'function', function: { name: 'get_weather' } })
    expect(JSON.parse(calls.map((c) => c.function?.arguments ?? '').join(''))).toEqual({ city: 'Paris', unit: 'c' })
    expect(finish).toBe('tool_calls')
  })

  it('refuses what Anthropic cannot honour with a 400 naming the field', async () => {
    const error = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }], n: 2 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.BadRequestError)
    expect((error as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ type: 'provider_unsupported', param: 'n' })
  })

  it('maps upstream errors onto OpenAI error JSON', async () => {
    const overloaded = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'error:529' }] }).catch((e: unknown) => e)
    expect(overloaded).toBeInstanceOf(OpenAI.InternalServerError)
    expect((overloaded as InstanceType<typeof OpenAI.APIError>).status).toBe(503)
    expect((overloaded as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ type: 'provider_unavailable', code: 'overloaded_error' })
    const limited = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'error:429' }] }).catch((e: unknown) => e)
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError)
    expect((limited as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after')).toBe('7')
  })
})
