// reservationTtlMs frees the reservations of a node that died. A request still running on a live
// node (a long stream) must keep its reservation however long it runs, or the budget it reserved
// is handed out again and concurrency passes the budget by more than one reservation.
import { randomUUID } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import OpenAI from 'openai'
import { createGateway } from '@sluice/core'
import type { Gateway } from '@sluice/core'
import governance from '@sluice/governance'
import { startHeldUpstream } from './helpers/held-upstream.js'
import type { HeldUpstream } from './helpers/held-upstream.js'

const KEY = 'sk-sluice-ttl-test-0123456789abcdef'
const TTL_MS = 1000
const REDIS = process.env.SLUICE_TEST_REDIS_URL

const stores: [string, () => string][] = [['embedded', () => 'memory:']]
if (REDIS) stores.push(['redis', () => REDIS])

const opened: { gateway: Gateway; upstream: HeldUpstream }[] = []
afterAll(async () => {
  for (const { gateway, upstream } of opened) {
    upstream.release()
    await gateway.close()
    await upstream.close()
  }
})

describe.each(stores)('%s store', (_name, store) => {
  it('a stream running longer than reservationTtlMs keeps its reservation until it settles', async () => {
    const upstream = await startHeldUpstream()
    const gateway = await createGateway(
      {
        log: { level: 'silent' },
        audit: { enabled: false },
        prices: { held: { input: 1000, output: 1000 } },
        plugins: [
          // One reservation (1000 answer tokens at 1000 USD per million: 1 USD) fills the budget.
          [governance, { store: store(), redisPrefix: `ttl-${randomUUID()}:`, reservationTtlMs: TTL_MS, keys: [{ id: 'k', name: 'k', key: KEY, budgets: [{ limitUsd: 0.5, period: 'day' }] }] }],
          ['@sluice/provider-openai', { id: 'up', baseURL: upstream.url, keys: [{ value: 'sk-upstream-0123456789' }], models: ['held'] }],
        ],
      } as never,
      { logWrite: () => {} },
    )
    opened.push({ gateway, upstream })
    await gateway.listen({ port: 0, host: '127.0.0.1' })
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: KEY, maxRetries: 0 })
    const ask = () => client.chat.completions.create({ model: 'held', max_tokens: 1000, stream: true, messages: [{ role: 'user', content: 'hi' }] })

    const long = await ask()
    const reading = (async () => {
      let text = ''
      for await (const chunk of long) text += chunk.choices[0]?.delta?.content ?? ''
      return text
    })()
    await expect.poll(() => upstream.waiting).toBe(1)
    // The time this test is about: well past the TTL, with the stream still open.
    await new Promise((r) => setTimeout(r, 2.5 * TTL_MS))

    const second = (await ask().catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>
    expect(second).toBeInstanceOf(OpenAI.APIError)
    expect(second.status).toBe(402)
    upstream.release()
    expect(await reading).toBe('done')
  })
})
