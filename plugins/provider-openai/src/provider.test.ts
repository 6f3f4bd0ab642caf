import { describe, expect, it } from 'vitest'
import type { ChatChunk, ProviderAdapter, SseEvent } from '@sluice/sdk'
import plugin, { mapOpenAIError, optionsSchema } from './index.js'

async function adapter(options: unknown): Promise<ProviderAdapter> {
  const instance = await plugin.setup(optionsSchema.parse(options), { configDir: '.', dataDir: '.', log: console, audit: () => {}, cost: () => undefined })
  return instance.providers![0]
}

const events = (...data: string[]): AsyncIterable<SseEvent> => ({
  async *[Symbol.asyncIterator]() {
    for (const d of data) yield { data: d, raw: `data: ${d}\n\n` }
  },
})

async function collect(iterable: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const out: ChatChunk[] = []
  for await (const c of iterable) out.push(c)
  return out
}

const call = { model: 'gpt-4o-mini', key: 'sk-k', stream: false, usage: false }

describe('@sluice/provider-openai', () => {
  it('fills id and baseURL from a preset, and needs keys for hosted upstreams only', async () => {
    const groq = await adapter({ preset: 'groq', keys: [{ value: 'gsk-1' }] })
    expect(groq).toMatchObject({ id: 'groq', baseURL: 'https://api.groq.com/openai/v1', wireFormat: 'openai' })
    expect(await groq.auth('gsk-1')).toEqual({ authorization: 'Bearer gsk-1' })
    const ollama = await adapter({ preset: 'ollama', models: ['llama3.2'] })
    expect(ollama.baseURL).toBe('http://127.0.0.1:11434/v1')
    expect(await ollama.auth('')).toEqual({})
    const missing = optionsSchema.safeParse({ preset: 'openai' })
    expect(missing.success).toBe(false)
    expect(missing.error?.issues[0]).toMatchObject({ path: ['keys'], message: 'at least one key is required for openai' })
    expect(optionsSchema.safeParse({ preset: 'openai', keys: [{ value: 'k' }], baseURl: 'typo' }).success).toBe(false)
  })

  it('builds Azure deployment paths with api-version and the api-key header', async () => {
    const azure = await adapter({ preset: 'azure', resource: 'acme', keys: [{ value: 'az-key' }], deployments: { 'gpt-4o': 'prod-4o' } })
    expect(azure.baseURL).toBe('https://acme.openai.azure.com/openai')
    expect(azure.models).toEqual(['gpt-4o'])
    const chat = await azure.chat!.request({ model: 'gpt-4o', messages: [] }, { ...call, model: 'gpt-4o' })
    expect(chat.path).toBe('/deployments/prod-4o/chat/completions?api-version=2024-10-21')
    const emb = await azure.embeddings!.request({ model: 'text-embedding-3-small', input: 'x' }, { ...call, model: 'text-embedding-3-small' })
    expect(emb.path).toBe('/deployments/text-embedding-3-small/embeddings?api-version=2024-10-21')
    expect(await azure.auth('az-key')).toEqual({ 'api-key': 'az-key' })
    expect(optionsSchema.safeParse({ preset: 'azure', keys: [{ value: 'k' }] }).success).toBe(false)
  })

  it('sends the body with every field kept and the upstream model name', async () => {
    const a = await adapter({ keys: [{ value: 'k' }] })
    const req = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }], seed: 7, some_new_param: { x: 1 } }
    expect((await a.chat!.request(req, call)).body).toEqual({ ...req, model: 'gpt-4o-mini' })
  })

  it('leaves other vendors\' extensions out when the client spoke another format', async () => {
    const a = await adapter({ keys: [{ value: 'k' }] })
    const req = {
      model: 'o3',
      max_tokens: 100,
      anthropic: { top_k: 5 },
      tools: [{ type: 'function' as const, function: { name: 'f' }, cache_control: { type: 'ephemeral' } }],
      messages: [
        { role: 'user' as const, content: [{ type: 'text' as const, text: 'hi', cache_control: { type: 'ephemeral' } }] },
        { role: 'assistant' as const, content: 'x', thinking_blocks: [{ type: 'thinking', thinking: '…', signature: 's' }] },
        { role: 'tool' as const, tool_call_id: 't', content: 'r', is_error: true },
      ],
    }
    const sent = (await a.chat!.request(req as never, { ...call, model: 'o3', format: 'anthropic' })).body as Record<string, unknown>
    expect(JSON.stringify(sent)).not.toMatch(/cache_control|thinking_blocks|is_error|anthropic/)
    expect(sent).toMatchObject({ model: 'o3', max_completion_tokens: 100 })
    expect(sent.max_tokens).toBeUndefined()
    // An OpenAI client's fields are its own business: passed as they are.
    const own = (await a.chat!.request({ model: 'gpt-4o', messages: [], custom_field: 1 } as never, { ...call, model: 'gpt-4o', format: 'openai' })).body
    expect(own).toMatchObject({ custom_field: 1 })
  })

  it('maps stream events to chunks, stops at [DONE], and raises errors inside the stream', async () => {
    const a = await adapter({ keys: [{ value: 'k' }] })
    const chunk = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: null }] }
    const out = await collect(a.chat!.stream!(events(JSON.stringify(chunk), '[DONE]', JSON.stringify(chunk)), call))
    expect(out).toEqual([chunk])
    await expect(collect(a.chat!.stream!(events(JSON.stringify({ error: { message: 'overloaded' } })), call))).rejects.toMatchObject({ type: 'provider_error', message: expect.stringContaining('overloaded') })
    await expect(collect(a.chat!.stream!(events('{not json'), call))).rejects.toMatchObject({ type: 'provider_invalid_response' })
  })

  it('refuses a response without choices', async () => {
    const a = await adapter({ keys: [{ value: 'k' }] })
    expect(() => a.chat!.response({ hello: 1 }, call)).toThrow(/without choices/)
    expect(() => a.chat!.response({ error: { message: 'model overloaded' } }, call)).toThrow(/model overloaded/)
  })

  it.each([
    [400, 400, 'provider_bad_request'],
    [422, 400, 'provider_bad_request'],
    [401, 502, 'provider_authentication'],
    [403, 502, 'provider_authentication'],
    [404, 404, 'provider_not_found'],
    [408, 504, 'provider_timeout'],
    [413, 413, 'provider_bad_request'],
    [429, 429, 'provider_rate_limited'],
    [500, 502, 'provider_error'],
    [503, 503, 'provider_unavailable'],
  ])('maps upstream %i to %i %s', (upstream, status, type) => {
    const error = mapOpenAIError({ status: upstream, body: { error: { message: 'upstream says no', code: 'c1', param: 'temperature' } }, headers: { 'retry-after': '3' } }, 'openai')
    expect(error).toMatchObject({ status, type })
    if (upstream === 429) expect(error.headers['retry-after']).toBe('3')
    if (upstream !== 401 && upstream !== 403) expect(error.message).toContain('upstream says no')
  })
})
