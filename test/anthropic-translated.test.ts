import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Anthropic from '@anthropic-ai/sdk'
import { createGateway } from '@sluice/core'
import type { Gateway } from '@sluice/core'
import { startOpenAIUpstream } from './helpers/openai-upstream.js'
import type { OpenAIUpstream } from './helpers/openai-upstream.js'

// The official Anthropic SDK against /anthropic with OpenAI-shaped upstreams: the in-process
// mock provider, and @sluice/provider-openai with a mock OpenAI server. Requests are translated
// to canonical (OpenAI) form, answers rendered back in Anthropic's format.

const weather = { name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] } }

let openai: OpenAIUpstream
let gateway: Gateway
let client: Anthropic

beforeAll(async () => {
  openai = await startOpenAIUpstream()
  gateway = await createGateway(
    {
      plugins: [
        ['@sluice/mock-provider', { models: ['mock-1'] }],
        ['@sluice/provider-openai', { baseURL: openai.url, keys: [{ value: 'sk-upstream' }], models: ['gpt-4o-mini'] }],
      ],
      routing: { retry: { attempts: 1 }, circuit: { failureThreshold: 1000, cooldownMs: 1000 } },
    },
    { logWrite: () => {} },
  )
  await gateway.listen({ port: 0, host: '127.0.0.1' })
  client = new Anthropic({ baseURL: `${gateway.url}/anthropic`, apiKey: 'client-key', maxRetries: 0 })
})

afterAll(async () => {
  await gateway?.close()
  await openai?.close()
})

describe('Anthropic SDK → /anthropic → the mock provider (OpenAI-shaped, in process)', () => {
  it('answers a plain request as an Anthropic message', async () => {
    const message = await client.messages.create({ model: 'mock-1', max_tokens: 100, system: 'Be brief.', messages: [{ role: 'user', content: 'hello there' }] })
    expect(message).toMatchObject({ type: 'message', role: 'assistant', model: 'mock-1', content: [{ type: 'text', text: 'Echo: hello there' }], stop_reason: 'end_turn' })
    expect(message.usage.input_tokens).toBeGreaterThan(0)
    expect(message.usage.output_tokens).toBeGreaterThan(0)
  })

  it('streams; the SDK assembles the message with stop reason and usage', async () => {
    const stream = client.messages.stream({ model: 'mock-1', max_tokens: 100, messages: [{ role: 'user', content: 'stream this please' }] })
    const texts: string[] = []
    stream.on('text', (t) => texts.push(t))
    const message = await stream.finalMessage()
    expect(message.content).toEqual([{ type: 'text', text: 'Echo: stream this please' }])
    expect(texts.length).toBeGreaterThan(1)
    expect(message.stop_reason).toBe('end_turn')
    expect(message.usage.output_tokens).toBeGreaterThan(0)
    expect(message.usage.input_tokens).toBeGreaterThan(0)
  })

  it('maps max_tokens and stop sequences, and reports max_tokens as the stop reason', async () => {
    const message = await client.messages.create({ model: 'mock-1', max_tokens: 2, messages: [{ role: 'user', content: 'one two three four' }] })
    expect(message.stop_reason).toBe('max_tokens')
  })

  it('round-trips a tool call, plain and streamed', async () => {
    const ask = { model: 'mock-1', max_tokens: 100, tools: [weather], messages: [{ role: 'user' as const, content: 'use the tool' }] }
    const first = await client.messages.create(ask)
    expect(first.stop_reason).toBe('tool_use')
    const call = first.content.find((b) => b.type === 'tool_use')!
    expect(call).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'example' } })
    const second = await client.messages.create({
      ...ask,
      messages: [...ask.messages, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'sunny' }] }],
    })
    expect(second.stop_reason).toBe('end_turn')
    expect(second.content[0]).toMatchObject({ type: 'text' })

    const streamed = await client.messages.stream(ask).finalMessage()
    expect(streamed.stop_reason).toBe('tool_use')
    expect(streamed.content).toEqual([{ type: 'tool_use', id: call.id, name: 'get_weather', input: { city: 'example' } }])
  })
})

describe('Anthropic SDK → /anthropic → provider-openai (HTTP)', () => {
  it('sends an OpenAI request and renders the answer', async () => {
    const message = await client.messages.create({ model: 'gpt-4o-mini', max_tokens: 50, system: 'Be brief.', stop_sequences: ['###'], messages: [{ role: 'user', content: 'hi openai' }] })
    expect(message.content).toEqual([{ type: 'text', text: 'You said: hi openai' }])
    // 11 prompt tokens of which 3 cached: Anthropic counts them apart.
    expect(message.usage).toMatchObject({ input_tokens: 8, cache_read_input_tokens: 3, output_tokens: 7 })
    expect(openai.received.at(-1)!.json).toMatchObject({
      model: 'gpt-4o-mini',
      max_tokens: 50,
      stop: ['###'],
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi openai' }],
    })
  })

  it('streams, with usage asked of the upstream on the client’s behalf', async () => {
    const message = await client.messages.stream({ model: 'gpt-4o-mini', max_tokens: 50, messages: [{ role: 'user', content: 'stream from openai' }] }).finalMessage()
    expect(message.content).toEqual([{ type: 'text', text: 'You said: stream from openai' }])
    expect(message.usage).toMatchObject({ input_tokens: 8, output_tokens: 7 })
    expect(openai.received.at(-1)!.json.stream_options).toEqual({ include_usage: true })
  })

  it('streams a tool call back as a tool_use block', async () => {
    const message = await client.messages.stream({ model: 'gpt-4o-mini', max_tokens: 50, tools: [weather], messages: [{ role: 'user', content: 'tool please' }] }).finalMessage()
    expect(message.stop_reason).toBe('tool_use')
    expect(message.content).toEqual([{ type: 'tool_use', id: 'call_up_1', name: 'get_weather', input: { city: 'Paris', unit: 'c' } }])
    expect(openai.received.at(-1)!.json.tools).toEqual([{ type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: weather.input_schema } }])
  })
})
