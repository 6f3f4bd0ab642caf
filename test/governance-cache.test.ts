// Governance and the semantic cache together, as an organisation runs them: the cache partitions
// by the virtual key (or team) that governance authenticated, and a hit spends no budget.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import OpenAI from 'openai'
import { createGateway } from '@sluice/core'
import type { Gateway } from '@sluice/core'
import governance from '@sluice/governance'
import semanticCache from '@sluice/semantic-cache'
import { startOpenAIUpstream } from './helpers/openai-upstream.js'
import type { OpenAIUpstream } from './helpers/openai-upstream.js'
import { FIXTURE_MODEL, ask } from './helpers/semantic-cache.js'

const ADMIN = 'admin-token-0123456789abcdef'
const KEYS = { alice: 'sk-alice-0123456789abcdefghij', bob: 'sk-bob-0123456789abcdefghijkl', carol: 'sk-carol-0123456789abcdefghij' }

let dir: string
let gateway: Gateway
let upstream: OpenAIUpstream

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sluice-gov-cache-'))
  upstream = await startOpenAIUpstream()
  gateway = await createGateway(
    {
      dataDir: dir,
      log: { level: 'silent' },
      prices: { 'gpt-4o-mini': { input: 1000, output: 1000 } },
      plugins: [
        [
          governance,
          {
            store: 'gov.db',
            adminTokens: [{ token: ADMIN, role: 'admin' }],
            teams: [{ id: 'red' }, { id: 'blue' }],
            keys: [
              { id: 'alice', name: 'alice', key: KEYS.alice, team: 'red', budgets: [{ limitUsd: 10, period: 'day' }] },
              { id: 'bob', name: 'bob', key: KEYS.bob, team: 'red' },
              { id: 'carol', name: 'carol', key: KEYS.carol, team: 'blue' },
            ],
          },
        ],
        [semanticCache, { threshold: 0.9, embedder: { model: FIXTURE_MODEL } }],
        ['@sluice/provider-openai', { baseURL: upstream.url, keys: [{ value: 'sk-upstream' }], models: ['gpt-4o-mini'] }],
      ],
    } as never,
    { logWrite: () => {} },
  )
  await gateway.listen({ port: 0, host: '127.0.0.1' })
})
afterAll(async () => {
  await gateway?.close()
  await upstream?.close()
  rmSync(dir, { recursive: true, force: true })
})

const client = (apiKey: string) => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 })

async function usage(id: string) {
  const res = await fetch(`${gateway.url}/admin/v1/virtual-keys/${id}`, { headers: { authorization: `Bearer ${ADMIN}` } })
  return ((await res.json()) as { usage: { spentUsd: number; requests: number } }).usage
}

describe('governance with the semantic cache', () => {
  it('never serves one key the answer cached for another', async () => {
    const question = 'Which port does the staging database listen on?'
    expect((await ask(client(KEYS.alice), question)).cache).toBe('miss')
    expect((await ask(client(KEYS.alice), question)).cache).toBe('hit-exact')
    const before = upstream.received.length
    expect((await ask(client(KEYS.bob), question)).cache).toBe('miss')
    expect((await ask(client(KEYS.carol), question)).cache).toBe('miss')
    expect(upstream.received.length).toBe(before + 2)
  })

  it('a refused caller gets the refusal, not a cached answer', async () => {
    const question = 'What is the release date of the next version?'
    await ask(client(KEYS.alice), question)
    const refused = await ask(client('sk-nobody-0123456789abcdefghij'), question).catch((e: InstanceType<typeof OpenAI.APIError>) => e)
    expect(refused).toBeInstanceOf(OpenAI.APIError)
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(401)
  })

  it('charges the upstream answer and not the cache hit, while counting both requests', async () => {
    const question = 'How many regions does the platform run in today?'
    const start = await usage('alice')
    await ask(client(KEYS.alice), question)
    await expect.poll(async () => (await usage('alice')).requests).toBe(start.requests + 1)
    const afterMiss = await usage('alice')
    expect(afterMiss.spentUsd).toBeGreaterThan(start.spentUsd)
    expect((await ask(client(KEYS.alice), question)).cache).toBe('hit-exact')
    await expect.poll(async () => (await usage('alice')).requests).toBe(start.requests + 2)
    expect((await usage('alice')).spentUsd).toBe(afterMiss.spentUsd)
  })
})
