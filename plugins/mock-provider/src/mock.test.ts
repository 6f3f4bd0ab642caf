import { describe, expect, it } from 'vitest'
import { assembleChatResponse } from '@sluice/sdk'
import type { ChatChunk, ChatRequest, ChatResponse, ProviderAdapter } from '@sluice/sdk'
import plugin, { optionsSchema } from './index.js'

async function mock(options: unknown = {}): Promise<ProviderAdapter> {
  return (await plugin.setup(optionsSchema.parse(options), { configDir: '.', dataDir: '.', log: console, audit: () => {}, cost: () => undefined })).providers![0]
}
const call = { model: 'mock-1', key: '', stream: false, usage: false }
const signal = new AbortController().signal

async function stream(p: ProviderAdapter, req: ChatRequest, s = signal): Promise<ChatChunk[]> {
  const out: ChatChunk[] = []
  for await (const c of (await p.local!.chat!({ ...req, stream: true }, call, s)) as AsyncIterable<ChatChunk>) out.push(c)
  return out
}

const weather = { type: 'function' as const, function: { name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' }, unit: { enum: ['c', 'f'] } } } } }

describe('@sluice/mock-provider', () => {
  it('echoes deterministically with usage', async () => {
    const p = await mock()
    const req: ChatRequest = { model: 'mock-1', messages: [{ role: 'user', content: 'Hello world' }] }
    const a = (await p.local!.chat!(req, call, signal)) as ChatResponse
    const b = (await p.local!.chat!(req, call, signal)) as ChatResponse
    expect(a).toEqual(b)
    expect(a.choices[0].message.content).toBe('Echo: Hello world')
    expect(a.usage!.prompt_tokens).toBeGreaterThan(0)
    expect(a.usage!.completion_tokens).toBeGreaterThan(0)
  })

  it('streams the same answer, with usage only when asked', async () => {
    const p = await mock()
    const req: ChatRequest = { model: 'mock-1', messages: [{ role: 'user', content: 'one two three' }] }
    const plain = await stream(p, req)
    expect(plain[0].choices[0].delta.role).toBe('assistant')
    expect(plain.some((c) => c.usage)).toBe(false)
    expect(assembleChatResponse(plain).choices[0].message.content).toBe('Echo: one two three')
    const withUsage = await stream(p, { ...req, stream_options: { include_usage: true } })
    expect(withUsage.at(-1)).toMatchObject({ choices: [], usage: { total_tokens: expect.any(Number) } })
  })

  it('calls a tool when asked, with arguments shaped by its schema, plain and streamed', async () => {
    const p = await mock()
    const req: ChatRequest = { model: 'mock-1', tools: [weather], messages: [{ role: 'user', content: 'use the tool please' }] }
    const plain = (await p.local!.chat!(req, call, signal)) as ChatResponse
    expect(plain.choices[0].finish_reason).toBe('tool_calls')
    expect(JSON.parse(plain.choices[0].message.tool_calls![0].function.arguments)).toEqual({ city: 'example', days: 1, unit: 'c' })
    const streamed = assembleChatResponse(await stream(p, req))
    expect(streamed.choices[0].message.tool_calls).toEqual(plain.choices[0].message.tool_calls)
    const after = (await p.local!.chat!({ ...req, messages: [...req.messages, { role: 'assistant', tool_calls: plain.choices[0].message.tool_calls }, { role: 'tool', tool_call_id: 'x', content: 'sunny' }] }, call, signal)) as ChatResponse
    expect(after.choices[0].finish_reason).toBe('stop')
  })

  it('honours max_tokens, stop and n', async () => {
    const p = await mock({ reply: 'alpha beta gamma delta' })
    const r = (await p.local!.chat!({ model: 'mock-1', n: 2, max_tokens: 2, messages: [{ role: 'user', content: 'x' }] }, call, signal)) as ChatResponse
    expect(r.choices.map((c) => [c.message.content, c.finish_reason])).toEqual([['alpha beta', 'length'], ['alpha beta', 'length']])
    const s = (await p.local!.chat!({ model: 'mock-1', stop: ' gamma', messages: [{ role: 'user', content: 'x' }] }, call, signal)) as ChatResponse
    expect(s.choices[0].message.content).toBe('alpha beta')
  })

  it('stops streaming when aborted', async () => {
    const p = await mock({ chunkDelayMs: 5 })
    const controller = new AbortController()
    const got: ChatChunk[] = []
    const run = (async () => {
      for await (const c of (await p.local!.chat!({ model: 'mock-1', stream: true, messages: [{ role: 'user', content: 'a b c d e f g h i j k' }] }, call, controller.signal)) as AsyncIterable<ChatChunk>) {
        got.push(c)
        if (got.length === 3) controller.abort()
      }
    })()
    await expect(run).rejects.toMatchObject({ type: 'caller_aborted' })
    expect(got.length).toBe(3)
  })

  it('embeds deterministically to unit vectors, also as base64 float32', async () => {
    const p = await mock()
    const r = await p.local!.embeddings!({ model: 'mock-embed', input: ['a', 'b', 'a'] }, call, signal)
    const [a, b, a2] = r.data.map((d) => d.embedding as number[])
    expect(a).toEqual(a2)
    expect(a).not.toEqual(b)
    expect(Math.hypot(...a)).toBeCloseTo(1, 6)
    const b64 = await p.local!.embeddings!({ model: 'mock-embed', input: 'a', encoding_format: 'base64' }, call, signal)
    const decoded = Array.from(new Float32Array(Uint8Array.from(Buffer.from(b64.data[0].embedding as string, 'base64')).buffer))
    decoded.forEach((v, i) => expect(v).toBeCloseTo(a[i], 5))
  })

  it('fails on demand like an upstream would', async () => {
    const p = await mock()
    await expect(p.local!.chat!({ model: 'mock-1', messages: [{ role: 'user', content: 'mock:error:429' }] }, call, signal)).rejects.toMatchObject({ status: 429, type: 'provider_rate_limited' })
    await expect(p.local!.chat!({ model: 'mock-1', messages: [{ role: 'user', content: 'mock:error:500' }] }, call, signal)).rejects.toMatchObject({ status: 502 })
  })
})
