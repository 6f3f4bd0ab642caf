import { describe, expect, it } from 'vitest'
import type { ProviderAdapter } from '@sluice/sdk'
import plugin, { GEMINI_BASE_URL, optionsSchema } from './index.js'

async function adapter(options: unknown): Promise<ProviderAdapter> {
  const instance = await plugin.setup(optionsSchema.parse(options), { configDir: '.', dataDir: '.', log: console, audit: () => {}, cost: () => undefined })
  return instance.providers![0]
}

const call = { model: 'gemini-2.5-flash', key: 'AIza-k', stream: false, usage: false }

describe('@sluice/provider-gemini', () => {
  it('defaults to the Gemini API with the key in x-goog-api-key', async () => {
    const a = await adapter({ keys: [{ value: 'AIza-k' }], models: ['gemini-2.5-flash'] })
    expect(a).toMatchObject({ id: 'gemini', kind: 'gemini', wireFormat: 'gemini', baseURL: GEMINI_BASE_URL, models: ['gemini-2.5-flash'] })
    expect(GEMINI_BASE_URL).toBe('https://generativelanguage.googleapis.com/v1beta')
    expect(await a.auth('AIza-k')).toEqual({ 'x-goog-api-key': 'AIza-k' })
  })

  it('needs a key unless Vertex or a base URL is set, and refuses unknown options', () => {
    expect(optionsSchema.safeParse({}).error?.issues[0]).toMatchObject({ path: ['keys'] })
    expect(optionsSchema.safeParse({ baseURL: 'http://127.0.0.1:8080/v1beta' }).success).toBe(true)
    expect(optionsSchema.safeParse({ vertex: { project: 'p' } }).success).toBe(true)
    expect(optionsSchema.safeParse({ keys: [{ value: 'k' }], apiKey: 'typo' }).success).toBe(false)
    expect(optionsSchema.safeParse({ vertex: { project: 'p' }, keys: [{ value: 'k' }] }).error?.issues[0]).toMatchObject({ path: ['keys'] })
  })

  it('builds generateContent and streamGenerateContent?alt=sse paths, tuned models included', async () => {
    const a = await adapter({ keys: [{ value: 'k' }] })
    const req = { model: 'x', messages: [{ role: 'user' as const, content: 'hi' }] }
    expect((await a.chat!.request(req, call)).path).toBe('/models/gemini-2.5-flash:generateContent')
    expect((await a.chat!.request(req, { ...call, stream: true })).path).toBe('/models/gemini-2.5-flash:streamGenerateContent?alt=sse')
    expect((await a.chat!.request(req, { ...call, model: 'tunedModels/my-model-42' })).path).toBe('/tunedModels/my-model-42:generateContent')
  })

  it('embeds in batches, answers base64 when asked, and refuses token arrays', async () => {
    const a = await adapter({ keys: [{ value: 'k' }] })
    const embedCall = { ...call, model: 'gemini-embedding-001' }
    const sent = await a.embeddings!.request({ model: 'e', input: ['a', 'b'], encoding_format: 'base64', gemini: { taskType: 'SEMANTIC_SIMILARITY' } }, embedCall)
    expect(sent).toEqual({ path: '/models/gemini-embedding-001:batchEmbedContents', body: { requests: [
      { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a' }] }, taskType: 'SEMANTIC_SIMILARITY' },
      { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'b' }] }, taskType: 'SEMANTIC_SIMILARITY' },
    ] } })
    const r = a.embeddings!.response({ embeddings: [{ values: [0.5, -1] }, { values: [2, 0] }] }, embedCall)
    expect(r.data[0].embedding).toBe(Buffer.from(new Float32Array([0.5, -1]).buffer).toString('base64'))
    expect(r).toMatchObject({ object: 'list', model: 'gemini-embedding-001', usage: { prompt_tokens: 0, total_tokens: 0 } })
    await expect(async () => a.embeddings!.request({ model: 'e', input: [[1, 2, 3]] }, embedCall)).rejects.toMatchObject({ type: 'provider_unsupported', param: 'input' })
    await expect(async () => a.embeddings!.request({ model: 'e', input: 'a', user: 'u', truncate: 'END' }, embedCall)).rejects.toMatchObject({ param: 'truncate' })
  })

  it('maps upstream errors through the adapter', async () => {
    const a = await adapter({ keys: [{ value: 'k' }] })
    expect(a.error({ status: 404, body: { error: { code: 404, message: 'models/nope is not found', status: 'NOT_FOUND' } }, headers: {} })).toMatchObject({ status: 404, type: 'provider_not_found' })
  })
})
