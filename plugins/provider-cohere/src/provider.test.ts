import { describe, expect, it } from 'vitest'
import plugin, { optionsSchema } from './index.js'

const setup = (options: unknown) => plugin.setup(optionsSchema.parse(options), { configDir: '.', dataDir: '.', log: console, audit: () => {}, cost: () => undefined })

describe('options', () => {
  it('needs a key (unless a baseURL points elsewhere) and knows the input types', () => {
    expect(optionsSchema.safeParse({}).success).toBe(false)
    expect(optionsSchema.safeParse({ baseURL: 'http://127.0.0.1:9' }).success).toBe(true)
    expect(optionsSchema.safeParse({ keys: [{ value: 'k' }], inputType: 'image' }).success).toBe(false)
    expect(optionsSchema.safeParse({ keys: [{ value: 'k' }], region: 'x' }).success).toBe(false)
  })

  it('defaults the id, the base URL and Bearer auth', async () => {
    const provider = (await setup({ keys: [{ value: 'co-key' }] })).providers![0]
    expect(provider).toMatchObject({ id: 'cohere', kind: 'cohere', wireFormat: 'cohere', baseURL: 'https://api.cohere.com' })
    expect(await provider.auth('co-key')).toEqual({ authorization: 'Bearer co-key' })
    const call = await provider.chat!.request({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, { model: 'command-r7b-12-2024', key: 'co-key', stream: false, usage: true })
    expect(call).toEqual({ path: '/v2/chat', body: { model: 'command-r7b-12-2024', messages: [{ role: 'user', content: 'hi' }] } })
    const embed = await provider.embeddings!.request({ model: 'm', input: 'x' }, { model: 'embed-v4.0', key: 'co-key', stream: false, usage: true })
    expect(embed).toMatchObject({ path: '/v2/embed', body: { input_type: 'search_document' } })
  })
})
