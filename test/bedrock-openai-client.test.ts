import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import OpenAI from 'openai'
import Anthropic from '@anthropic-ai/sdk'
import { createGateway } from '@sluice/core'
import type { Gateway } from '@sluice/core'
import { startMockBedrock } from './helpers/mock-bedrock.js'
import type { MockBedrock } from './helpers/mock-bedrock.js'

// The official openai SDK, through the gateway, to a Bedrock upstream speaking Converse JSON and
// binary ConverseStream frames, which checks every request's SigV4 signature.

const CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', sessionToken: 'FwoGZXIvYXdzEBYaDHqa0AP1/session+token==' }
const KEY = `${CREDENTIALS.accessKeyId}:${CREDENTIALS.secretAccessKey}:${CREDENTIALS.sessionToken}`
const MODEL = 'us.anthropic.claude-3-5-haiku-20241022-v1:0'
const ARN = 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0'

let upstream: MockBedrock
let gateway: Gateway
let client: OpenAI

beforeAll(async () => {
  upstream = await startMockBedrock(CREDENTIALS, 'us-east-1')
  gateway = await createGateway(
    {
      plugins: [
        // A configured header is signed along (and must reach AWS once, not twice).
        ['@sluice/provider-bedrock', { region: 'us-east-1', baseURL: upstream.url, keys: [{ value: KEY }], models: [MODEL], headers: { 'X-Amzn-Bedrock-Trace': 'ENABLED' } }],
        // A key the upstream does not know: refused with 403 UnrecognizedClientException.
        ['@sluice/provider-bedrock', { id: 'stranger', region: 'us-east-1', baseURL: upstream.url, keys: [{ value: 'AKIDSTRANGER:c2VjcmV0' }], models: ['stranger-model'] }],
        ['@sluice/provider-bedrock', { id: 'limited', region: 'us-east-1', baseURL: upstream.url, keys: [{ value: KEY }], models: ['limited-model'] }],
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

describe('OpenAI SDK → Bedrock upstream', () => {
  it('answers a plain chat through a signed Converse call, usage in OpenAI terms', async () => {
    const r = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'system', content: 'Be brief.' }, ...user('hello')], temperature: 0.3, max_tokens: 50, stop: ['END'] })
    expect(r.choices[0].message.content).toBe('You said: hello')
    expect(r.choices[0].finish_reason).toBe('stop')
    expect(r.usage).toEqual({ prompt_tokens: 15, completion_tokens: 7, total_tokens: 22, prompt_tokens_details: { cached_tokens: 4 } })
    const sent = upstream.received.at(-1)!
    expect(sent.signature).toBe('ok')
    expect(sent.path).toBe('/model/us.anthropic.claude-3-5-haiku-20241022-v1%3A0/converse')
    expect(sent.headers['x-amz-security-token']).toBe(CREDENTIALS.sessionToken)
    expect(sent.headers['x-amzn-bedrock-trace']).toBe('ENABLED')
    expect(sent.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/us-east-1\/bedrock\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/)
    expect(sent.json).toEqual({
      messages: [{ role: 'user', content: [{ text: 'hello' }] }],
      system: [{ text: 'Be brief.' }],
      inferenceConfig: { maxTokens: 50, temperature: 0.3, stopSequences: ['END'] },
    })
  })

  it('streams binary event-stream frames as SSE, with usage last when include_usage is set', async () => {
    const stream = await client.chat.completions.create({ model: MODEL, messages: user('stream me please'), stream: true, stream_options: { include_usage: true } })
    let text = ''
    const chunks: OpenAI.ChatCompletionChunk[] = []
    for await (const chunk of stream) {
      chunks.push(chunk)
      text += chunk.choices[0]?.delta.content ?? ''
    }
    expect(text).toBe('You said: stream me please')
    expect(upstream.received.at(-1)!.operation).toBe('converse-stream')
    expect(upstream.received.at(-1)!.headers.accept).toBe('application/vnd.amazon.eventstream')
    expect(chunks[0].choices[0].delta.role).toBe('assistant')
    expect(chunks.at(-2)!.choices[0].finish_reason).toBe('stop')
    expect(chunks.at(-1)!.choices).toEqual([])
    expect(chunks.at(-1)!.usage?.total_tokens).toBe(22)
  })

  it('round-trips a tool call: Bedrock ids, arguments as JSON, the result as a toolResult', async () => {
    const first = await client.chat.completions.create({ model: MODEL, messages: user('use a tool'), tools: [weather], tool_choice: 'auto' })
    const choice = first.choices[0]
    expect(choice.finish_reason).toBe('tool_calls')
    expect(choice.message.content).toBe('Let me check.')
    const call = choice.message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall
    expect(call.id).toBe('tooluse_kZJMlvQmRJ6eAyJE5GIl7Q')
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris', unit: 'c' })
    expect(upstream.received.at(-1)!.json.toolConfig).toEqual({ tools: [{ toolSpec: { name: 'get_weather', description: 'Weather for a city', inputSchema: { json: weather.function.parameters } } }], toolChoice: { auto: {} } })

    const streamed = await client.chat.completions.stream({ model: MODEL, messages: user('use a tool'), tools: [weather] }).finalChatCompletion()
    const streamedCall = streamed.choices[0].message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall
    expect(streamedCall.id).toBe(call.id)
    expect(JSON.parse(streamedCall.function.arguments)).toEqual({ city: 'Paris', unit: 'c' })
    expect(streamed.choices[0].finish_reason).toBe('tool_calls')

    const second = await client.chat.completions.create({
      model: MODEL,
      tools: [weather],
      messages: [...user('use a tool'), choice.message, { role: 'tool', tool_call_id: call.id, content: '{"temp":21,"sky":"sunny"}' }],
    })
    expect(second.choices[0].message.content).toBe('It is sunny in Paris.')
    expect(upstream.received.at(-1)!.json.messages).toEqual([
      { role: 'user', content: [{ text: 'use a tool' }] },
      { role: 'assistant', content: [{ text: 'Let me check.' }, { toolUse: { toolUseId: call.id, name: 'get_weather', input: { city: 'Paris', unit: 'c' } } }] },
      { role: 'user', content: [{ toolResult: { toolUseId: call.id, content: [{ text: '{"temp":21,"sky":"sunny"}' }] } }] },
    ])
  })

  it('calls an inference-profile ARN, URL-encoded in the path and signed as such', async () => {
    const r = await client.chat.completions.create({ model: `bedrock/${ARN}`, messages: user('arn please') })
    expect(r.choices[0].message.content).toBe('You said: arn please')
    const sent = upstream.received.at(-1)!
    expect(sent.model).toBe(ARN)
    expect(sent.path).toBe(`/model/${encodeURIComponent(ARN)}/converse`)
    expect(sent.signature).toBe('ok')
  })

  it('refuses what Converse cannot do, before calling it', async () => {
    const count = upstream.received.length
    await expect(client.chat.completions.create({ model: MODEL, messages: user('hi'), n: 2 })).rejects.toMatchObject({ status: 400, error: { type: 'provider_unsupported', param: 'n' } })
    await expect(client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }] })).rejects.toMatchObject({
      status: 400,
      error: { type: 'provider_unsupported', param: 'messages[0].content[0].image_url' },
    })
    expect(upstream.received.length).toBe(count)
  })

  it('maps AWS errors: validation 400, throttling 429, refused credentials 502, mid-stream exceptions', async () => {
    await expect(client.chat.completions.create({ model: MODEL, messages: user('error:400') })).rejects.toMatchObject({ status: 400, error: { type: 'provider_bad_request', code: 'ValidationException' } })
    await expect(client.chat.completions.create({ model: 'limited-model', messages: user('error:429') })).rejects.toMatchObject({ status: 429, error: { type: 'provider_rate_limited' } })
    await expect(client.chat.completions.create({ model: 'stranger-model', messages: user('hi') })).rejects.toMatchObject({ status: 502, error: { type: 'provider_authentication' } })
    expect(upstream.received.at(-1)!.signature).toBe('unknown access key')
    const stream = await client.chat.completions.create({ model: MODEL, messages: user('midstream'), stream: true })
    const read = async () => {
      for await (const _ of stream) void _
    }
    await expect(read()).rejects.toThrow(/failed mid-stream/)
  })
})

describe('Anthropic SDK → /anthropic → Bedrock', () => {
  it('answers plain and streamed, prompt-cache marks becoming cache points', async () => {
    const anthropic = new Anthropic({ baseURL: `${gateway.url}/anthropic`, apiKey: 'client-key', maxRetries: 0 })
    const system = [{ type: 'text' as const, text: 'A long manual.', cache_control: { type: 'ephemeral' as const } }]
    const message = await anthropic.messages.create({ model: MODEL, max_tokens: 64, system, messages: [{ role: 'user', content: 'hello' }] })
    expect(message.content).toEqual([{ type: 'text', text: 'You said: hello' }])
    expect(message.stop_reason).toBe('end_turn')
    expect(upstream.received.at(-1)!.json).toMatchObject({ system: [{ text: 'A long manual.' }, { cachePoint: { type: 'default' } }], inferenceConfig: { maxTokens: 64 } })
    const streamed = await anthropic.messages.stream({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: 'stream me' }] }).finalMessage()
    expect(streamed.content).toEqual([{ type: 'text', text: 'You said: stream me' }])
    expect(upstream.received.at(-1)!.signature).toBe('ok')
  })
})
