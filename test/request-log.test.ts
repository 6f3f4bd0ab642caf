import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import OpenAI from 'openai'
import { createGateway, resolveConfig } from '@sluice/core'
import type { Gateway } from '@sluice/core'
import { definePlugin } from '@sluice/sdk'
import { SqliteLogStore, openLogStore } from '@sluice/request-log'

const TOKEN = 'admin-token-0123456789'
const dir = mkdtempSync(path.join(tmpdir(), 'sluice-reqlog-'))
const auth = definePlugin({
  name: 'test-auth',
  setup: () => ({
    policy: (ctx) => void ctx.authenticate({ id: String(ctx.request.headers['x-test-key'] ?? 'vk-a'), team: 'red' }),
    // Stands in for the guardrails and cache plugins: what they report lands in the record.
    preRequest(ctx) {
      if (ctx.request.texts().includes('first question')) (ctx.meta as Record<string, unknown>).guardrails = { findings: [{ rule: 'email', type: 'EMAIL', action: 'flag', where: 'input', count: 1 }] }
      ctx.meta.cache = { result: 'miss' }
    },
  }),
})
let gateway: Gateway
let client: OpenAI

beforeAll(async () => {
  gateway = await createGateway(
    resolveConfig(
      { log: { level: 'silent' }, prices: { 'mock-1': { input: 1, output: 2 } }, plugins: [auth, ['@sluice/request-log', { adminToken: TOKEN, bodies: true, flushIntervalMs: 50 }], ['@sluice/mock-provider', {}]] },
      path.join(dir, 'sluice.config.json'),
      dir,
    ),
  )
  await gateway.listen({ port: 0, host: '127.0.0.1' })
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'x', maxRetries: 0 })
})

afterAll(async () => {
  await gateway?.close()
})

const api = async (query: string, token = TOKEN) => {
  const res = await fetch(`${gateway.url}/admin/v1/logs${query}`, { headers: { authorization: `Bearer ${token}` } })
  return { status: res.status, body: (await res.json()) as { data: Record<string, unknown>[]; next_cursor: string | null; error?: { type: string } } }
}

describe('@sluice/request-log', () => {
  it('records plain and streamed requests with their usage, and answers filtered, paged queries', async () => {
    const plain = await client.chat.completions.create({ model: 'mock-1', messages: [{ role: 'user', content: 'first question' }] })
    let streamed = 0
    for await (const c of await client.chat.completions.create({ model: 'mock-1', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'second question' }] }))
      if (c.usage) streamed = c.usage.total_tokens
    await client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }).catch(() => {})
    for (let i = 0; i < 5; i++) await client.chat.completions.create({ model: 'mock-1', messages: [{ role: 'user', content: `batch ${i}` }] }, { headers: { 'x-test-key': 'vk-b' } })
    await new Promise((r) => setTimeout(r, 100))

    expect((await api('', 'wrong-token-0123456789')).status).toBe(401)
    const all = await api('?limit=100')
    expect(all.body.data).toHaveLength(8)
    const byKeyA = await api('?key=vk-a')
    expect(byKeyA.body.data.map((r) => r.status)).toEqual([404, 200, 200])
    const [, stream, first] = byKeyA.body.data
    expect(first).toMatchObject({ provider: 'mock', model: 'mock-1', stream: false, usage: { input_tokens: plain.usage!.prompt_tokens, output_tokens: plain.usage!.completion_tokens }, team: 'red', answer: 'Echo: first question' })
    expect(first.prompt).toEqual([{ role: 'user', content: 'first question' }])
    expect(first.guardrails).toEqual([{ rule: 'email', type: 'EMAIL', action: 'flag', where: 'input', count: 1 }])
    expect(first.cache).toEqual({ result: 'miss' })
    expect(first.cost_usd).toBeCloseTo((plain.usage!.prompt_tokens * 1 + plain.usage!.completion_tokens * 2) / 1e6, 12)
    expect(stream).toMatchObject({ stream: true, finish_reason: 'stop' })
    expect((stream.usage as { input_tokens: number; output_tokens: number }).input_tokens + (stream.usage as { output_tokens: number }).output_tokens).toBe(streamed)
    expect((await api('?status=404')).body.data.map((r) => r.error_type)).toEqual(['caller_model_not_found'])
    // Cursor pages: every row once, newest first.
    const seen: string[] = []
    let cursor = ''
    for (;;) {
      const page = await api(`?key=vk-b&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      seen.push(...page.body.data.map((r) => r.id as string))
      if (!page.body.next_cursor) break
      cursor = page.body.next_cursor
    }
    expect(seen).toHaveLength(5)
    expect(new Set(seen).size).toBe(5)
    expect((await api('?limit=0')).status).toBe(400)
    expect((await api('?cursor=garbage')).status).toBe(400)
  })

  it('exports JSON lines with the same filters', async () => {
    const res = await fetch(`${gateway.url}/admin/v1/logs/export?key=vk-b`, { headers: { authorization: `Bearer ${TOKEN}` } })
    expect(res.headers.get('content-type')).toContain('ndjson')
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l))
    expect(lines).toHaveLength(5)
    expect(lines.every((l) => l.key === 'vk-b')).toBe(true)
  })

  it('writes everything still queued on shutdown', async () => {
    for (let i = 0; i < 20; i++) await client.chat.completions.create({ model: 'mock-1', messages: [{ role: 'user', content: `late ${i}` }] })
    await gateway.close()
    const store = new SqliteLogStore(path.join(dir, 'data', 'requests.db'))
    expect(await store.count()).toBe(28)
    await store.close()
  })
})

const row = (id: string, ts: number, key: string | null = null) => ({ id, ts, path: '/v1/chat/completions', operation: 'chat', key_id: key, team: null, customer: null, provider: 'p', model: 'm', requested_model: 'm', status: 200, error_type: null, stream: 0, finish_reason: null, input_tokens: 1, output_tokens: 1, cached_tokens: null, cost_usd: null, total_ms: 1.5, upstream_ms: 1, first_byte_ms: 1, attempts: 1, short_circuited: 0, client_aborted: 0, prompt: null, answer: null, extra: null })

describe('bodies for some keys only', () => {
  it('stores prompt and answer for the listed keys, not for others', async () => {
    const g = await createGateway({ log: { level: 'silent' }, audit: { enabled: false }, plugins: [auth, ['@sluice/request-log', { store: ':memory:', adminToken: TOKEN, bodiesForKeys: ['vk-b'] }], ['@sluice/mock-provider', {}]] })
    await g.listen({ port: 0, host: '127.0.0.1' })
    try {
      const c = new OpenAI({ baseURL: `${g.url}/v1`, apiKey: 'x', maxRetries: 0 })
      await c.chat.completions.create({ model: 'mock-1', messages: [{ role: 'user', content: 'keep me' }] }, { headers: { 'x-test-key': 'vk-b' } })
      await c.chat.completions.create({ model: 'mock-1', messages: [{ role: 'user', content: 'not me' }] })
      await new Promise((r) => setTimeout(r, 50))
      const res = await fetch(`${g.url}/admin/v1/logs`, { headers: { authorization: `Bearer ${TOKEN}` } })
      const rows = ((await res.json()) as { data: Record<string, unknown>[] }).data
      expect(rows.find((r) => r.key === 'vk-b')).toMatchObject({ prompt: [{ role: 'user', content: 'keep me' }], answer: 'Echo: keep me' })
      const other = rows.find((r) => r.key === 'vk-a')!
      expect(other.prompt).toBeUndefined()
      expect(other.answer).toBeUndefined()
    } finally {
      await g.close()
    }
  })
})

describe('under overload', () => {
  it('sheds rows past maxQueue with a counter instead of blocking requests', async () => {
    const lines: string[] = []
    const g = await createGateway(
      { log: { level: 'warn' }, audit: { enabled: false }, plugins: [['@sluice/request-log', { store: ':memory:', maxQueue: 2, flushIntervalMs: 60_000 }], ['@sluice/mock-provider', {}]] },
      { logWrite: (l) => void lines.push(l) },
    )
    await g.listen({ port: 0, host: '127.0.0.1' })
    const c = new OpenAI({ baseURL: `${g.url}/v1`, apiKey: 'x', maxRetries: 0 })
    for (let i = 0; i < 5; i++) await c.chat.completions.create({ model: 'mock-1', messages: [{ role: 'user', content: `r${i}` }] })
    await g.close()
    const warning = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'request log dropped rows under load')
    expect(warning?.dropped).toBe(3)
  })
})

describe('LogStore', () => {
  it('deletes rows past retention', async () => {
    const store = new SqliteLogStore(':memory:')
    await store.insert([row('old', 1_000), row('new', 5_000)])
    expect(await store.deleteBefore(2_000)).toBe(1)
    expect((await store.query({}, 10)).map((r) => r.id)).toEqual(['new'])
    await store.close()
  })
})

// PostgreSQL comes up with `npm test` (test/services.mjs); without it these are skipped, and say so.
const pgUrl = process.env.SLUICE_TEST_POSTGRES_URL
describe.skipIf(!pgUrl)('request log on PostgreSQL (several nodes, one log)', () => {
  it('stores, filters, pages and retains like the embedded store', async () => {
    const store = openLogStore(pgUrl!, '.')
    await store.deleteBefore(Number.MAX_SAFE_INTEGER)
    await store.insert([row('a', 1_000, 'vk-1'), row('b', 2_000, 'vk-2'), row('c', 3_000, 'vk-1'), row('c', 3_000, 'vk-1')])
    expect(await store.count()).toBe(3)
    const first = await store.query({ key: 'vk-1' }, 1)
    expect(first.map((r) => [r.id, r.ts, r.total_ms])).toEqual([['c', 3_000, 1.5]])
    expect((await store.query({ key: 'vk-1' }, 10, { ts: 3_000, id: 'c' })).map((r) => r.id)).toEqual(['a'])
    expect((await store.query({ from: 1_500, to: 2_500 }, 10)).map((r) => r.id)).toEqual(['b'])
    expect(await store.deleteBefore(2_500)).toBe(2)
    await store.close()
  })

  it('collects the records of two gateway nodes in one log', async () => {
    const nodes = await Promise.all(
      ['n1', 'n2'].map(async () => {
        const g = await createGateway({ log: { level: 'silent' }, audit: { enabled: false }, plugins: [['@sluice/request-log', { store: pgUrl, adminToken: TOKEN, flushIntervalMs: 20 }], ['@sluice/mock-provider', {}]] })
        await g.listen({ port: 0, host: '127.0.0.1' })
        return g
      }),
    )
    const clients = nodes.map((g) => new OpenAI({ baseURL: `${g.url}/v1`, apiKey: 'x', maxRetries: 0 }))
    const marker = `node-test-${Date.now()}`
    for (let i = 0; i < 3; i++) for (const c of clients) await c.chat.completions.create({ model: 'mock-1', messages: [{ role: 'user', content: marker }] })
    // Either node's API sees both nodes' records.
    const res = await fetch(`${nodes[0].url}/admin/v1/logs?model=mock-1&limit=1000`, { headers: { authorization: `Bearer ${TOKEN}` } })
    await Promise.all(nodes.map((g) => g.close()))
    const store = openLogStore(pgUrl!, '.')
    expect(await store.count()).toBeGreaterThanOrEqual(6)
    await store.close()
    expect(((await res.json()) as { data: unknown[] }).data.length).toBeGreaterThanOrEqual(3)
  })
})
