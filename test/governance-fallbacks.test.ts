// A key's model allowlist and request-level fallbacks (routing.requestFallbacks): the client
// names each fallback itself, so each must be allowed by its own name, not by the primary's.
import { afterAll, beforeAll, expect, it } from 'vitest'
import OpenAI from 'openai'
import { createGateway } from '@sluice/core'
import type { Gateway } from '@sluice/core'
import governance from '@sluice/governance'
import { startOpenAIUpstream } from './helpers/openai-upstream.js'
import type { OpenAIUpstream } from './helpers/openai-upstream.js'

const CHEAP_ONLY = 'sk-sluice-cheap-only-0123456789abcdef'
const BOTH = 'sk-sluice-both-models-0123456789abcdef'
let gateway: Gateway
let upstream: OpenAIUpstream

beforeAll(async () => {
  upstream = await startOpenAIUpstream()
  gateway = await createGateway(
    {
      log: { level: 'silent' },
      audit: { enabled: false },
      routing: { requestFallbacks: true, retry: { attempts: 1 } },
      plugins: [
        [governance, { store: 'memory:', keys: [{ id: 'cheap', name: 'cheap', key: CHEAP_ONLY, models: ['cheap'] }, { id: 'both', name: 'both', key: BOTH, models: ['cheap', 'dear'] }] }],
        ['@sluice/provider-openai', { id: 'up', baseURL: upstream.url, keys: [{ value: 'sk-upstream-0123456789' }], models: ['cheap', 'dear'] }],
      ],
    } as never,
    { logWrite: () => {} },
  )
  await gateway.listen({ port: 0, host: '127.0.0.1' })
})
afterAll(async () => {
  await gateway?.close()
  await upstream?.close()
})

// `error:500` makes the upstream fail every call, so the request walks its whole plan.
async function modelsTried(apiKey: string): Promise<string[]> {
  const before = upstream.received.length
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 })
  await client.chat.completions.create({ model: 'cheap', messages: [{ role: 'user', content: 'error:500' }], fallbacks: ['dear'] } as never).catch(() => undefined)
  return upstream.received.slice(before).map((r) => r.json.model as string)
}

it('falls back only to models the key may use', async () => {
  expect(await modelsTried(BOTH)).toEqual(['cheap', 'dear'])
  expect(await modelsTried(CHEAP_ONLY)).toEqual(['cheap'])
})
