import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Anthropic from '@anthropic-ai/sdk'
import { createGateway } from '@sluice/core'
import type { Gateway } from '@sluice/core'
import { startMockAnthropic } from './helpers/mock-anthropic.js'
import type { MockAnthropic } from './helpers/mock-anthropic.js'

// The official Anthropic SDK against /anthropic with an Anthropic upstream: same format, so the
// client's bytes go up unchanged and the upstream's bytes (JSON and SSE) come back unchanged.

const KEY = 'sk-ant-upstream-secret-0123456789'
const MODEL = 'claude-opus-4-6'
const weather = { name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object' as const, properties: { city: { type: 'string' }, unit: { type: 'string' } }, required: ['city'] } }

let upstream: MockAnthropic
let gateway: Gateway
/** What the SDK sent and got back, per call: the exact request body and a copy of the response. */
let exchanges: { body: string; headers: Headers; response: Response }[]

const client = (options: ConstructorParameters<typeof Anthropic>[0] = {}) =>
  new Anthropic({
    baseURL: `${gateway.url}/anthropic`,
    apiKey: 'client-key',
    maxRetries: 0,
    fetch: async (url: string | URL | Request, init?: RequestInit) => {
      const response = await fetch(url, init)
      exchanges.push({ body: String(init?.body), headers: new Headers(init?.headers), response: response.clone() })
      return response
    },
    ...options,
  })

beforeAll(async () => {
  upstream = await startMockAnthropic()
  gateway = await createGateway(
    {
      plugins: [['@sluice/provider-anthropic', { baseURL: upstream.url, keys: [{ value: KEY }], models: [MODEL] }]],
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

describe('Anthropic SDK → /anthropic → Anthropic upstream', () => {
  it('sends the client bytes up unchanged, with the gateway key, and returns the upstream bytes', async () => {
    exchanges = []
    // temperature is in the API; this SDK version's types leave sampling parameters out.
    const params = { model: MODEL, max_tokens: 256, system: 'Be brief.', messages: [{ role: 'user', content: 'hello' }], temperature: 0.3 } as Anthropic.MessageCreateParamsNonStreaming
    const message = await client().messages.create(params)
    expect(message.content).toEqual([{ type: 'text', text: 'You said: hello' }])
    expect(message.usage).toMatchObject({ input_tokens: 12, cache_read_input_tokens: 3, output_tokens: 7 })
    const sent = upstream.received.at(-1)!
    expect(sent.path).toBe('/v1/messages')
    expect(sent.raw.toString()).toBe(exchanges[0].body)
    // The gateway's key goes up, never the client's.
    expect(sent.headers['x-api-key']).toBe(KEY)
    expect(sent.headers['anthropic-version']).toBe('2023-06-01')
    expect(await exchanges[0].response.text()).toBe(upstream.lastBody)
    expect(exchanges[0].response.headers.get('x-sluice-provider')).toBe('anthropic')
  })

  it('streams the upstream SSE bytes back unchanged; the SDK assembles the message', async () => {
    exchanges = []
    const stream = client().messages.stream({ model: MODEL, max_tokens: 256, messages: [{ role: 'user', content: 'stream please' }] })
    const texts: string[] = []
    stream.on('text', (t) => texts.push(t))
    const message = await stream.finalMessage()
    expect(message.content).toEqual([{ type: 'text', text: 'You said: stream please' }])
    expect(texts.join('')).toBe('You said: stream please')
    expect(message.usage).toMatchObject({ input_tokens: 12, output_tokens: 7 })
    expect(upstream.received.at(-1)!.raw.toString()).toBe(exchanges[0].body)
    expect(await exchanges[0].response.text()).toBe(upstream.lastBody)
  })

  it('round-trips a tool call, plain and streamed, bytes unchanged both ways', async () => {
    exchanges = []
    const ask = { model: MODEL, max_tokens: 256, tools: [weather], messages: [{ role: 'user' as const, content: 'use the tool for Paris' }] }
    const first = await client().messages.create(ask)
    expect(first.stop_reason).toBe('tool_use')
    const call = first.content.find((b) => b.type === 'tool_use')!
    expect(call).toMatchObject({ id: 'toolu_mock01', name: 'get_weather', input: { city: 'Paris', unit: 'c' } })
    const second = await client().messages.create({
      ...ask,
      messages: [...ask.messages, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '18°C, sunny' }] }],
    })
    expect(second.content).toEqual([{ type: 'text', text: 'It is sunny in Paris.' }])
    expect(upstream.received.at(-1)!.raw.toString()).toBe(exchanges[1].body)

    const streamed = await client().messages.stream(ask).finalMessage()
    expect(streamed.content.find((b) => b.type === 'tool_use')).toMatchObject({ id: 'toolu_mock01', input: { city: 'Paris', unit: 'c' } })
    expect(await exchanges[2].response.text()).toBe(upstream.lastBody)
  })

  it('swaps only the model when the client names the provider', async () => {
    exchanges = []
    await client().messages.create({ model: `anthropic/${MODEL}`, max_tokens: 64, messages: [{ role: 'user', content: 'prefixed' }] })
    expect(upstream.received.at(-1)!.raw.toString()).toBe(exchanges[0].body.replace(`"anthropic/${MODEL}"`, `"${MODEL}"`))
  })

  it('passes the client anthropic-beta header on, and accepts a bearer token as the client key', async () => {
    exchanges = []
    await client({ apiKey: null, authToken: 'client-token' }).beta.messages.create({ model: MODEL, max_tokens: 64, betas: ['files-api-2025-04-14'], messages: [{ role: 'user', content: 'beta' }] })
    expect(exchanges[0].headers.get('authorization')).toBe('Bearer client-token')
    const sent = upstream.received.at(-1)!
    expect(sent.headers['anthropic-beta']).toBe('files-api-2025-04-14')
    expect(sent.headers['x-api-key']).toBe(KEY)
    expect(sent.headers.authorization).toBeUndefined()
  })

  it('counts tokens (an estimate) and lists models in Anthropic’s shapes', async () => {
    exchanges = []
    const count = await client().messages.countTokens({ model: MODEL, system: 'Be brief.', messages: [{ role: 'user', content: 'How many tokens is this?' }] })
    expect(count.input_tokens).toBeGreaterThan(5)
    expect(count.input_tokens).toBeLessThan(30)
    expect(exchanges[0].response.headers.get('x-sluice-token-count')).toBe('estimate')
    const models = []
    for await (const model of client().models.list()) models.push(model)
    expect(models).toEqual([{ type: 'model', id: MODEL, display_name: MODEL, created_at: '1970-01-01T00:00:00.000Z' }])
    expect(await client().models.retrieve(MODEL)).toMatchObject({ id: MODEL })
  })
})
