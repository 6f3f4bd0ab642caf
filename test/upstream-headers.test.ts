import { afterAll, beforeAll, expect, it } from 'vitest'
import OpenAI from 'openai'
import { createGateway } from '@sluice/core'
import type { Gateway } from '@sluice/core'
import { definePlugin } from '@sluice/sdk'
import { startOpenAIUpstream } from './helpers/openai-upstream.js'
import type { OpenAIUpstream } from './helpers/openai-upstream.js'

// Upstream headers from plugins, provider config and auth merge by name whatever their spelling:
// one value per name, the later source winning, never "a, b".

let upstream: OpenAIUpstream
let gateway: Gateway
beforeAll(async () => {
  upstream = await startOpenAIUpstream()
  const tagger = definePlugin({ name: 'tagger', setup: () => ({ preRequest: (ctx) => ctx.setUpstreamHeader('x-title', 'from-plugin') }) })
  gateway = await createGateway(
    { plugins: [tagger, ['@sluice/provider-openai', { baseURL: upstream.url, keys: [{ value: 'sk-upstream' }], models: ['gpt-4o-mini'], headers: { 'X-Title': 'from-config', Authorization: 'Bearer not-this' } }]] } as never,
    { logWrite: () => {} },
  )
  await gateway.listen({ port: 0, host: '127.0.0.1' })
})
afterAll(async () => {
  await gateway?.close()
  await upstream?.close()
})

it('one value per header name: config over plugins, auth over config', async () => {
  await new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'x', maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
  const headers = upstream.received.at(-1)!.headers
  expect(headers['x-title']).toBe('from-config')
  expect(headers.authorization).toBe('Bearer sk-upstream')
})
