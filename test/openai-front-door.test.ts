import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import OpenAI from 'openai'

type APIError = InstanceType<typeof OpenAI.APIError>
import { createGateway } from '@sluice/core'
import type { Gateway } from '@sluice/core'
import type { RequestRecord } from '@sluice/sdk'
import { startOpenAIUpstream } from './helpers/openai-upstream.js'
import type { OpenAIUpstream } from './helpers/openai-upstream.js'

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures')
const KEY = 'sk-upstream-secret-0123456789abcdef'

let upstream: OpenAIUpstream
let second: OpenAIUpstream
let gateway: Gateway
let client: OpenAI
const records: RequestRecord[] = []
const logs: string[] = []

beforeAll(async () => {
  upstream = await startOpenAIUpstream()
  second = await startOpenAIUpstream()
  gateway = await createGateway(
    {
    log: { level: 'debug' },
    server: { bodyLimit: 64 * 1024 },
    plugins: [
      [path.join(fixtures, 'record-plugin.ts'), {}],
      ['@sluice/provider-openai', { id: 'openai', baseURL: upstream.url, keys: [{ value: KEY }], models: ['gpt-4o-mini', 'text-embedding-3-small'], timeoutMs: 500 }],
      ['@sluice/provider-openai', { id: 'second', baseURL: second.url, keys: [{ value: KEY }], models: ['gpt-4o-mini', 'only-second'] }],
      // Instances of their own: a 401 takes the key out and a 429 rests it, as they should.
      ['@sluice/provider-openai', { id: 'locked', baseURL: upstream.url, keys: [{ value: KEY }], models: ['locked-model'] }],
      ['@sluice/provider-openai', { id: 'limited', baseURL: upstream.url, keys: [{ value: KEY }], models: ['limited-model'] }],
    ],
    // Failures here are on purpose: keep retries and the circuit breaker out of the way
    // (routing-chaos.test.ts covers them).
    routing: { retry: { attempts: 1 }, circuit: { failureThreshold: 1000, cooldownMs: 1000 } },
    },
    { logWrite: (line) => void logs.push(line) },
  )
  await gateway.listen({ port: 0, host: '127.0.0.1' })
  ;(globalThis as { __records?: RequestRecord[] }).__records = records
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'client-key', maxRetries: 0 })
})

afterAll(async () => {
  await gateway?.close()
  await upstream?.close()
  await second?.close()
})

const user = (content: string) => [{ role: 'user' as const, content }]
const weatherTool = { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }

async function rawPost(body: string | Buffer, headers: Record<string, string>, streamed: true): Promise<Response>
async function rawPost(body: string | Buffer, headers?: Record<string, string>): Promise<{ status: number; headers: Headers; text: string }>
async function rawPost(body: string | Buffer, headers: Record<string, string> = {}, streamed = false) {
  const res = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } })
  if (streamed) return res
  return { status: res.status, headers: res.headers, text: await res.text() }
}

describe('OpenAI front door with the official SDK', () => {
  it('answers a plain chat with usage', async () => {
    const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user('hello') })
    expect(r.choices[0].message.content).toBe('You said: hello')
    expect(r.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 7 })
    expect(upstream.received.at(-1)!.headers.authorization).toBe(`Bearer ${KEY}`)
  })

  it('streams, with usage when include_usage is set', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user('stream me please'), stream: true, stream_options: { include_usage: true } })
    let text = ''
    let usage: OpenAI.CompletionUsage | null | undefined
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? ''
      if (chunk.usage) usage = chunk.usage
    }
    expect(text).toBe('You said: stream me please')
    expect(usage?.total_tokens).toBe(18)
  })

  it('streams without usage when not asked', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user('no usage'), stream: true })
    const chunks = []
    for await (const chunk of stream) chunks.push(chunk)
    expect(chunks.some((c) => c.usage)).toBe(false)
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('You said: no usage')
  })

  it('returns tool calls, plain and streamed', async () => {
    const plain = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user('use a tool'), tools: [weatherTool] })
    expect(plain.choices[0].finish_reason).toBe('tool_calls')
    expect(plain.choices[0].message.tool_calls?.[0]).toMatchObject({ id: 'call_up_1', function: { name: 'get_weather' } })

    const runner = client.chat.completions.stream({ model: 'gpt-4o-mini', messages: user('use a tool'), tools: [weatherTool] })
    const final = await runner.finalChatCompletion()
    const call = final.choices[0].message.tool_calls![0] as { function: { name: string; arguments: string } }
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris', unit: 'c' })
    expect(final.choices[0].finish_reason).toBe('tool_calls')
  })

  it('carries image parts and JSON mode to the upstream as sent', async () => {
    const image = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='
    const messages = [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'what is this?' }, { type: 'image_url' as const, image_url: { url: image, detail: 'low' as const } }] }]
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false }
    await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages, response_format: { type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } } })
    const sent = upstream.received.at(-1)!.json
    expect(sent.messages).toEqual(messages)
    expect(sent.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } })
    expect(sent.model).toBe('gpt-4o-mini')
  })

  it('lists models and retrieves one; unknown ones are 404s in the OpenAI shape', async () => {
    const list = await client.models.list()
    const ids = list.data.map((m) => `${m.id}@${m.owned_by}`)
    expect(ids).toEqual(['gpt-4o-mini@openai', 'text-embedding-3-small@openai', 'second/gpt-4o-mini@second', 'only-second@second', 'locked-model@locked', 'limited-model@limited'])
    expect((await client.models.retrieve('only-second')).owned_by).toBe('second')
    await expect(client.models.retrieve('nope')).rejects.toBeInstanceOf(OpenAI.NotFoundError)
  })

  it('creates embeddings, float and base64', async () => {
    const r = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'], encoding_format: 'float' })
    expect(r.data.map((d) => d.embedding)).toEqual([[0.25, -0.5, 0.75], [0.25, -0.5, 0.75]])
    expect(r.usage.prompt_tokens).toBe(4)
    // The SDK asks for base64 by default and decodes it.
    const b = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'a' })
    expect(b.data[0].embedding).toEqual([0.25, -0.5, 0.75])
  })

  it('routes a bare model to the first provider that declares it, provider/model to the named one', async () => {
    const before = second.received.length
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user('first') })
    expect(second.received.length).toBe(before)
    const r = await client.chat.completions.create({ model: 'second/gpt-4o-mini', messages: user('to second') }).withResponse()
    expect(second.received.at(-1)!.json.model).toBe('gpt-4o-mini')
    expect(r.response.headers.get('x-sluice-provider')).toBe('second')
    expect(r.response.headers.get('x-sluice-model')).toBe('gpt-4o-mini')
    const any = await client.chat.completions.create({ model: 'openai/some-new-model', messages: user('any model') })
    expect(any.model).toBe('some-new-model')
  })

  it('answers an unknown model with a 404 naming it', async () => {
    const error = await client.chat.completions.create({ model: 'claude-nope', messages: user('x') }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.NotFoundError)
    expect((error as APIError).type).toBe('caller_model_not_found')
    expect((error as APIError).message).toContain('claude-nope')
  })

  it('echoes a client request id, or makes one', async () => {
    const mine = await rawPost(JSON.stringify({ model: 'gpt-4o-mini', messages: user('id') }), { 'x-request-id': 'req-abc.123' })
    expect(mine.headers.get('x-request-id')).toBe('req-abc.123')
    expect(upstream.received.at(-1)!.headers['x-request-id']).toBe('req-abc.123')
    const made = await rawPost(JSON.stringify({ model: 'gpt-4o-mini', messages: user('id') }), { 'x-request-id': 'bad id with spaces' })
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })
})

describe('same-format pass-through', () => {
  it('sends the client bytes upstream unchanged, key order and whitespace included', async () => {
    const body = '{ "temperature" : 0.2,\n  "messages": [ {"content": "bytes", "role": "user"} ],\n  "model":"gpt-4o-mini", "zz_custom": [1, 2.50] }'
    const r = await rawPost(body)
    expect(r.status).toBe(200)
    expect(upstream.received.at(-1)!.raw.toString()).toBe(body)
  })

  it('changes only the model string for provider/model', async () => {
    const body = '{"model" : "openai/gpt-4o-mini","messages":[{"role":"user","content":"only the model"}],  "seed":1}'
    await rawPost(body)
    expect(upstream.received.at(-1)!.raw.toString()).toBe(body.replace('"openai/gpt-4o-mini"', '"gpt-4o-mini"'))
  })

  it('streams the upstream bytes back unchanged', async () => {
    const r = await rawPost(JSON.stringify({ model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: user('raw stream') }))
    expect(r.headers.get('content-type')).toContain('text/event-stream')
    expect(r.text).toBe(upstream.lastStream)
  })

  it('re-serializes when a plugin rewrote the request', async () => {
    const body = '{"model":"gpt-4o-mini",   "messages":[{"role":"user","content":"rewrite me"}]}'
    await rawPost(body)
    const sent = upstream.received.at(-1)!
    expect(sent.raw.toString()).not.toBe(body)
    expect((sent.json.messages as { content: string }[])[0].content).toBe('rewritten by plugin')
  })
})

describe('errors', () => {
  const noStack = (text: string) => expect(text).not.toMatch(/\bat .+\.(js|ts):\d+/)

  it.each([
    ['{bad json', 400, 'caller_invalid_json', null],
    ['[1,2]', 400, 'caller_invalid_json', null],
    ['{"messages":[{"role":"user","content":"x"}]}', 400, 'caller_invalid_request', 'model'],
    ['{"model":"gpt-4o-mini","messages":[]}', 400, 'caller_invalid_request', 'messages'],
    ['{"model":"gpt-4o-mini","messages":[{"role":"wizard","content":"x"}]}', 400, 'caller_invalid_request', 'messages[0].role'],
    ['{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}],"temperature":"hot"}', 400, 'caller_invalid_request', 'temperature'],
  ])('refuses %s with %i %s', async (body, status, type, param) => {
    const r = await rawPost(body)
    expect(r.status).toBe(status)
    const json = JSON.parse(r.text)
    expect(json).toEqual({ error: { message: expect.any(String), type, code: null, param } })
    noStack(r.text)
  })

  it.each([
    ['error:400', 400, 'provider_bad_request'],
    ['error:401', 502, 'provider_authentication'],
    ['error:404', 404, 'provider_not_found'],
    ['error:429', 429, 'provider_rate_limited'],
    ['error:500', 502, 'provider_error'],
    ['error:503', 503, 'provider_unavailable'],
    ['garbage', 502, 'provider_invalid_response'],
    ['hang', 504, 'provider_timeout'],
  ])('maps an upstream "%s" to %i %s, never leaking the key', async (content, status, type) => {
    const model = content === 'error:401' ? 'locked-model' : content === 'error:429' ? 'limited-model' : 'gpt-4o-mini'
    const r = await rawPost(JSON.stringify({ model, messages: user(content) }))
    expect(r.status).toBe(status)
    expect(JSON.parse(r.text).error.type).toBe(type)
    expect(r.text).not.toContain(KEY)
    noStack(r.text)
    if (status === 429) expect(r.headers.get('retry-after')).toBe('7')
  })

  it('rests a key after a 429: the next call is answered at once, without asking upstream', async () => {
    const before = upstream.received.length
    const r = await rawPost(JSON.stringify({ model: 'limited-model', messages: user('fine now') }))
    expect(r.status).toBe(429)
    expect(JSON.parse(r.text).error.type).toBe('provider_rate_limited')
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(upstream.received.length).toBe(before)
  })

  it('keeps the upstream message on a 400', async () => {
    const error = (await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user('error:400') }).catch((e: unknown) => e)) as APIError
    expect(error).toBeInstanceOf(OpenAI.BadRequestError)
    expect(error.message).toContain('upstream refused with 400')
    expect(error.code).toBe('code_400')
  })

  it('ends a stream that dies mid-way with an error the SDK raises', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user('die'), stream: true })
    let text = ''
    const run = (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
    })()
    await expect(run).rejects.toBeInstanceOf(OpenAI.APIError)
    expect(text).toBe('You said: die')
  })

  it('answers unknown routes, wrong methods and oversized bodies in the OpenAI shape', async () => {
    const notFound = await fetch(`${gateway.url}/v2/nothing`)
    expect(notFound.status).toBe(404)
    expect(((await notFound.json()) as { error: { type: string } }).error.type).toBe('caller_not_found')
    const wrongMethod = await fetch(`${gateway.url}/v1/chat/completions`)
    expect(wrongMethod.status).toBe(405)
    expect(wrongMethod.headers.get('allow')).toBe('POST')
    const big = await rawPost(JSON.stringify({ model: 'gpt-4o-mini', messages: user('x'.repeat(70 * 1024)) }))
    expect(big.status).toBe(413)
    expect(JSON.parse(big.text).error.type).toBe('caller_payload_too_large')
  })

  it('is still serving after all of that', async () => {
    const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user('still here') })
    expect(r.choices[0].message.content).toBe('You said: still here')
  })
})

describe('streams under load and aborts', () => {
  it('closes the upstream call when the client aborts', async () => {
    const controller = new AbortController()
    const before = upstream.closedEarly
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user('slow'), stream: true }, { signal: controller.signal })
    let seen = 0
    // The SDK ends the iteration (or throws, depending on its version) once aborted.
    await (async () => {
      for await (const _ of stream) if (++seen === 3) controller.abort()
    })().catch(() => {})
    expect(seen).toBe(3)
    for (let i = 0; i < 100 && upstream.closedEarly === before; i++) await new Promise((r) => setTimeout(r, 20))
    expect(upstream.closedEarly).toBe(before + 1)
  })

  it('keeps backpressure end to end: a slow reader holds the upstream back', async () => {
    const res = await rawPost(JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: user('flood') }), {}, true)
    const reader = res.body!.getReader()
    let bytes = (await reader.read()).value!.length
    await new Promise((r) => setTimeout(r, 500))
    // The client read one piece; the gateway must not have drained 32 MiB from the upstream.
    expect(upstream.flood.done).toBe(false)
    expect(upstream.flood.written).toBeLessThan(8192)
    for (let r = await reader.read(); !r.done; r = await reader.read()) bytes += r.value.length
    expect(bytes).toBeGreaterThan(32 * 1024 * 1024)
    for (let i = 0; i < 50 && !upstream.flood.done; i++) await new Promise((r) => setTimeout(r, 10))
    expect(upstream.flood.done).toBe(true)
  })

  it('serves 50 concurrent streams without crossing replies', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user(`marker-${i}`), stream: true })
        let text = ''
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
        return text
      }),
    )
    results.forEach((text, i) => expect(text).toBe(`You said: marker-${i}`))
  })
})

describe('logs', () => {
  it('are JSON lines that never carry a provider key, whatever happened', () => {
    expect(logs.length).toBeGreaterThan(2)
    for (const line of logs) expect(() => JSON.parse(line)).not.toThrow()
    expect(logs.join('\n')).not.toContain(KEY)
    expect(logs.some((l) => l.includes('provider key refused'))).toBe(true)
  })
})

describe('request records', () => {
  it('hands postLog the usage of a streamed request', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user('record this'), stream: true, stream_options: { include_usage: true } })
    for await (const _ of stream);
    for (let i = 0; i < 50 && !records.some((r) => r.requestedModel === 'gpt-4o-mini' && r.stream && r.usage); i++) await new Promise((r) => setTimeout(r, 10))
    const record = records.findLast((r) => r.stream && r.usage)!
    expect(record).toMatchObject({ status: 200, provider: 'openai', model: 'gpt-4o-mini', finishReason: 'stop', usage: { total_tokens: 18 } })
    expect(record.attempts).toHaveLength(1)
    expect(record.attempts[0].key).not.toContain('secret')
  })
})
