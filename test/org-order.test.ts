// Order effects in the organisation gateway: a WASM system-prompt rewriter listed before the
// cache, cache hits for a key whose budget is spent, and rate limits that count cache hits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import OpenAI from 'openai'
import { KEYS, startOrg, usage } from './helpers/org-gateway.ts'
import type { Org } from './helpers/org-gateway.ts'
import { ask } from './helpers/semantic-cache.ts'

let org: Org
beforeAll(async () => {
  org = await startOrg()
})
afterAll(async () => {
  await org?.close()
})

const client = (key: string) => new OpenAI({ baseURL: `${org.gateway.url}/v1`, apiKey: key, maxRetries: 0 })
const refusal = (p: Promise<unknown>) => p.then(() => undefined, (e: InstanceType<typeof OpenAI.APIError>) => ({ status: e.status, type: e.type }))

describe('order effects', () => {
  it('a cache hit for a key whose budget is spent is refused (402): budgets gate admission, hits included', async () => {
    const question = 'What is the on-call rota for the weekend?'
    expect((await ask(client(KEYS.broke), question)).cache).toBe('miss')
    await expect.poll(async () => (await usage(org, 'broke')).spentUsd).toBeGreaterThan(0.001)
    expect(await refusal(ask(client(KEYS.broke), question))).toEqual({ status: 402, type: 'policy_budget_exceeded' })
  })

  it('rate limits count cache hits: the fourth request of the day is refused even though it would be a hit', async () => {
    const question = 'Where is the runbook for the payment service?'
    expect((await ask(client(KEYS.slow), question)).cache).toBe('miss')
    expect((await ask(client(KEYS.slow), question)).cache).toBe('hit-exact')
    expect((await ask(client(KEYS.slow), question)).cache).toBe('hit-exact')
    expect(await refusal(ask(client(KEYS.slow), question))).toEqual({ status: 429, type: 'policy_rate_limited' })
  })

  it('the WASM system prompt, listed before the cache, is part of the cache key: a new prompt is a miss', async () => {
    const question = 'Summarise the incident of last Tuesday.'
    expect((await ask(client(KEYS.app), question)).cache).toBe('miss')
    expect((await ask(client(KEYS.app), question)).cache).toBe('hit-exact')
    const sent = org.openai.received.at(-1)!.json.messages as { role: string; content: string }[]
    expect(sent[0]).toEqual({ role: 'system', content: 'Be brief.' })
    await org.gateway.reload(org.config({ systemPrompt: 'Answer in French.' }) as never)
    const after = await ask(client(KEYS.app), question)
    expect(after.cache).toBe('miss')
    expect((org.openai.received.at(-1)!.json.messages as { content: string }[])[0].content).toBe('Answer in French.')
    expect((await ask(client(KEYS.app), question)).cache).toBe('hit-exact')
  })
})
