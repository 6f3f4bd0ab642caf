// What a request reserves before its call: its worst case, so concurrent requests cannot pass a
// budget by more than one reservation. Looked at while the request is in flight (the upstream
// holds its answer), through the admin API's `reservedUsd`.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import OpenAI from 'openai'
import { createGateway } from '@sluice/core'
import type { Gateway } from '@sluice/core'
import governance from '@sluice/governance'
import { startHeldUpstream } from './helpers/held-upstream.js'
import type { HeldUpstream } from './helpers/held-upstream.js'

const ADMIN = 'admin-token-0123456789abcdef'
// 1000 USD per million tokens: one token is a thousandth of a cent.
const PRICE = { input: 1000, output: 1000 }

let gateway: Gateway
let upstream: HeldUpstream

beforeAll(async () => {
  upstream = await startHeldUpstream()
  gateway = await createGateway(
    {
      log: { level: 'silent' },
      audit: { enabled: false },
      prices: { held: PRICE, 'held-cheap': { input: 1, output: 1 } },
      routes: { tiered: { targets: [{ provider: 'up', model: 'held-cheap' }], fallbacks: [{ provider: 'up', model: 'held' }] } },
      plugins: [
        [governance, { store: 'memory:', adminTokens: [{ token: ADMIN }], reservationTtlMs: 1000 }],
        ['@sluice/provider-openai', { id: 'up', baseURL: upstream.url, keys: [{ value: 'sk-upstream-0123456789' }], models: ['held', 'held-cheap'] }],
      ],
    } as never,
    { logWrite: () => {} },
  )
  await gateway.listen({ port: 0, host: '127.0.0.1' })
})
afterEach(() => {
  upstream.release()
  upstream.hold()
})
afterAll(async () => {
  upstream.release()
  await gateway?.close()
  await upstream?.close()
})

async function newKey(budgetUsd: number): Promise<{ id: string; key: string }> {
  const res = await fetch(`${gateway.url}/admin/v1/virtual-keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'reserving', budgets: [{ limitUsd: budgetUsd, period: 'day' }] }),
  })
  expect(res.status).toBe(201)
  return (await res.json()) as { id: string; key: string }
}

async function reservedUsd(id: string): Promise<number> {
  const res = await fetch(`${gateway.url}/admin/v1/virtual-keys/${id}`, { headers: { authorization: `Bearer ${ADMIN}` } })
  return ((await res.json()) as { usage: { reservedUsd: number } }).usage.reservedUsd
}

const client = (apiKey: string) => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 })
const messages = [{ role: 'user' as const, content: 'hi' }]

describe('the worst case a request reserves', () => {
  it('covers every answer a request asks for (n), not just one', async () => {
    const { id, key } = await newKey(1000)
    const pending = client(key).chat.completions.create({ model: 'held', n: 4, max_tokens: 1000, messages })
    await expect.poll(() => upstream.waiting).toBe(1)
    // Four answers of up to 1000 tokens each, at 1000 USD per million: 4 USD at least.
    expect(await reservedUsd(id)).toBeGreaterThanOrEqual(4)
    upstream.release()
    await pending
    await expect.poll(() => reservedUsd(id)).toBe(0)
  })

  it('is priced at the dearest target the request may fall back to', async () => {
    const { id, key } = await newKey(1000)
    const pending = client(key).chat.completions.create({ model: 'tiered', max_tokens: 1000, messages })
    await expect.poll(() => upstream.waiting).toBe(1)
    expect(upstream.received.at(-1)!.model).toBe('held-cheap')
    // The fallback costs 1000 USD per million tokens: 1 USD for the answer alone.
    expect(await reservedUsd(id)).toBeGreaterThanOrEqual(1)
    upstream.release()
    await pending
  })
})
