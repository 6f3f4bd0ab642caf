import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Anthropic from '@anthropic-ai/sdk'
import { createGateway } from '@sluice/core'
import type { Gateway } from '@sluice/core'
import { definePlugin } from '@sluice/sdk'
import type { ChatRequest, ChatResponse } from '@sluice/sdk'
import { startMockAnthropic } from './helpers/mock-anthropic.js'
import type { MockAnthropic } from './helpers/mock-anthropic.js'

// Anthropic client and Anthropic upstream, but plugins in the way: a preRequest rewrite sends a
// translated body (canonical → Anthropic), and a chunk hook makes the answer go through
// canonical chunks and the front door's encoder. The SDK must not tell the difference.

const MODEL = 'claude-opus-4-6'
const weather = { name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } } }

const shout = definePlugin({
  name: 'test-shout',
  setup: () => ({
    preRequest(ctx) {
      const body = ctx.request.body as ChatRequest
      const last = body.messages.at(-1)
      if (last?.role === 'user' && last.content === 'rewrite me') last.content = 'rewritten'
    },
    response: {
      chunk(_ctx, chunk) {
        const delta = chunk.choices[0]?.delta
        if (delta?.content) return { ...chunk, choices: [{ ...chunk.choices[0], delta: { ...delta, content: delta.content.toUpperCase() } }] }
        return undefined
      },
      complete(_ctx, response, info) {
        if (info.stream) return
        const message = (response as ChatResponse).choices[0].message
        if (typeof message.content === 'string') message.content = message.content.toUpperCase()
        return response
      },
    },
  }),
})

let upstream: MockAnthropic
let gateway: Gateway
let client: Anthropic

beforeAll(async () => {
  upstream = await startMockAnthropic()
  gateway = await createGateway(
    {
      plugins: [shout, ['@sluice/provider-anthropic', { baseURL: upstream.url, keys: [{ value: 'sk-ant-k' }], models: [MODEL], beta: ['configured-beta'] }]],
      routing: { retry: { attempts: 1 }, circuit: { failureThreshold: 1000, cooldownMs: 1000 } },
    },
    { logWrite: () => {} },
  )
  await gateway.listen({ port: 0, host: '127.0.0.1' })
  client = new Anthropic({ baseURL: `${gateway.url}/anthropic`, apiKey: 'client-key', maxRetries: 0 })
})

afterAll(async () => {
  await gateway?.close()
  await upstream?.close()
})

describe('Anthropic SDK → /anthropic → Anthropic upstream, through plugins', () => {
  it('sends a rewritten request translated back to Anthropic, betas included', async () => {
    // top_k is in the API; this SDK version's types leave sampling parameters out.
    const params = {
      model: MODEL,
      max_tokens: 300,
      system: [{ type: 'text', text: 'Long context', cache_control: { type: 'ephemeral' } }],
      top_k: 5,
      betas: ['client-beta'],
      messages: [{ role: 'user', content: 'rewrite me' }],
    } as Anthropic.Beta.Messages.MessageCreateParamsNonStreaming
    const message = await client.beta.messages.create(params)
    expect(message.content).toEqual([{ type: 'text', text: 'YOU SAID: REWRITTEN' }])
    const sent = upstream.received.at(-1)!
    expect(sent.json).toEqual({
      model: MODEL,
      max_tokens: 300,
      system: [{ type: 'text', text: 'Long context', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'rewritten' }],
      top_k: 5,
    })
    expect(sent.headers['anthropic-beta']).toBe('configured-beta,client-beta')
  })

  it('streams text through the chunk hook, re-encoded as Anthropic events', async () => {
    const stream = client.messages.stream({ model: MODEL, max_tokens: 100, messages: [{ role: 'user', content: 'quiet words' }] })
    const message = await stream.finalMessage()
    expect(message.content).toEqual([{ type: 'text', text: 'YOU SAID: QUIET WORDS' }])
    expect(message.stop_reason).toBe('end_turn')
    // The mock's counts: input 12 + 3 cached, output 7, carried through canonical usage.
    expect(message.usage).toMatchObject({ input_tokens: 12, cache_read_input_tokens: 3, output_tokens: 7 })
  })

  it('streams a tool call through canonical chunks and back into tool_use blocks', async () => {
    const message = await client.messages.stream({ model: MODEL, max_tokens: 100, tools: [weather], messages: [{ role: 'user', content: 'use the tool' }] }).finalMessage()
    expect(message.stop_reason).toBe('tool_use')
    expect(message.content).toEqual([
      { type: 'text', text: 'LET ME CHECK.' },
      { type: 'tool_use', id: 'toolu_mock01', name: 'get_weather', input: { city: 'Paris', unit: 'c' } },
    ])
  })
})
