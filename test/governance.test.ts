import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import OpenAI from 'openai'
import Anthropic from '@anthropic-ai/sdk'
import { createGateway } from '@sluice/core'
import type { Gateway } from '@sluice/core'
import governance from '@sluice/governance'
import { runCli } from './helpers/cli.js'
import { startOpenAIUpstream } from './helpers/openai-upstream.js'
import type { OpenAIUpstream } from './helpers/openai-upstream.js'

type APIError = InstanceType<typeof OpenAI.APIError>

const ADMIN = 'admin-token-0123456789abcdef'
const READER = 'read-token-0123456789abcdefgh'
const DECLARED = 'sk-declared-0123456789abcdefghij'

let dir: string
let gateway: Gateway
let upstream: OpenAIUpstream
let now = Date.UTC(2026, 10, 23, 10, 0, 0)
const logs: string[] = []

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'sluice-gov-'))
  upstream = await startOpenAIUpstream()
  gateway = await createGateway(
    {
      dataDir: dir,
      prices: { 'mock-1': { input: 1000, output: 1000 }, 'mock-slow': { input: 1000, output: 1000 }, 'mock-cheap': { input: 1, output: 1 }, 'up-model': { input: 1000, output: 1000 } },
      plugins: [
        [
          governance,
          {
            store: 'gov.db',
            adminTokens: [
              { token: ADMIN, role: 'admin', name: 'ops' },
              { token: READER, role: 'read', name: 'auditor' },
            ],
            teams: [{ id: 'ml', budgets: [{ limitUsd: 0.05, period: 'day' }] }],
            keys: [{ id: 'declared', name: 'ci', key: DECLARED, models: ['mock-cheap'] }],
            clock: () => now,
          },
        ],
        '@sluice/prometheus',
        ['@sluice/mock-provider', { models: ['mock-1', 'mock-cheap', 'mock-embed'] }],
        ['@sluice/provider-openai', { id: 'up', baseURL: upstream.url, keys: [{ id: 'main', value: 'sk-upstream-secret-0123' }, { id: 'batch', value: 'sk-upstream-batch-4567' }], models: ['up-model'] }],
        // Slow streams, so concurrent requests are all in flight at once.
        ['@sluice/mock-provider', { id: 'slow', models: ['mock-slow'], chunkDelayMs: 5 }],
      ],
    } as never,
    { logWrite: (line) => void logs.push(line) },
  )
  await gateway.listen({ port: 0, host: '127.0.0.1' })
})
afterAll(async () => {
  await gateway?.close()
  await upstream?.close()
  rmSync(dir, { recursive: true, force: true })
})

const openai = (apiKey: string, headers: Record<string, string> = {}) => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0, defaultHeaders: headers })
const user = (content: string) => [{ role: 'user' as const, content }]

async function admin(method: string, route: string, body?: unknown, token = ADMIN) {
  const res = await fetch(`${gateway.url}/admin/v1/${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : undefined, text }
}

async function newKey(fields: Record<string, unknown>): Promise<{ id: string; key: string }> {
  const r = await admin('POST', 'virtual-keys', fields)
  expect(r.status).toBe(201)
  return { id: r.body.id, key: r.body.key }
}

describe('virtual keys', () => {
  it('refuses a request without a key, or with an unknown one, with 401 in the OpenAI shape', async () => {
    const missing = (await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'mock-1', messages: user('hi') }) }))
    expect(missing.status).toBe(401)
    expect(((await missing.json()) as { error: { type: string } }).error.type).toBe('caller_unauthorized')
    const e = (await openai('sk-sluice-nope').chat.completions.create({ model: 'mock-1', messages: user('hi') }).catch((x: unknown) => x)) as APIError
    expect(e).toBeInstanceOf(OpenAI.AuthenticationError)
    expect(e.message).toContain('Invalid API key')
    expect(e.message).not.toContain('sk-sluice-nope')
  })

  it('accepts a key shown once at creation, as Bearer, x-api-key, x-goog-api-key and x-sluice-key', async () => {
    const { id, key } = await newKey({ name: 'app' })
    expect(key).toMatch(/^sk-sluice-[A-Za-z0-9]{32}$/)
    const ok = await openai(key).chat.completions.create({ model: 'mock-1', messages: user('hi') })
    expect(ok.choices[0].message.content).toContain('hi')
    for (const header of ['x-api-key', 'x-goog-api-key', 'x-sluice-key']) {
      const res = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', [header]: key }, body: JSON.stringify({ model: 'mock-1', messages: user('hi') }) })
      expect(res.status, header).toBe(200)
    }
    // Never again: not in get, list, nor the store file.
    const got = await admin('GET', `virtual-keys/${id}`)
    expect(got.text).not.toContain(key)
    expect(got.body.hint).toMatch(/^sk-sluice-...…....$/)
    expect((await admin('GET', 'virtual-keys?usage=true')).text).not.toContain(key)
  })

  it('works with the Anthropic SDK through /anthropic, and refuses a bad key in the Anthropic shape', async () => {
    const { key } = await newKey({ name: 'claude-app' })
    const client = new Anthropic({ baseURL: `${gateway.url}/anthropic`, apiKey: key, maxRetries: 0 })
    const msg = await client.messages.create({ model: 'mock-1', max_tokens: 50, messages: [{ role: 'user', content: 'hello' }] })
    expect(msg.content[0].type).toBe('text')
    const bad = new Anthropic({ baseURL: `${gateway.url}/anthropic`, apiKey: 'sk-wrong', maxRetries: 0 })
    const e = (await bad.messages.create({ model: 'mock-1', max_tokens: 50, messages: [{ role: 'user', content: 'hello' }] }).catch((x: unknown) => x)) as InstanceType<typeof Anthropic.APIError>
    expect(e).toBeInstanceOf(Anthropic.AuthenticationError)
    expect((e.error as { type: string; error: { type: string } }).type).toBe('error')
  })

  it('guards the Gemini front door too (key as ?key= or x-goog-api-key), refusing in the Gemini error shape', async () => {
    const { key } = await newKey({ name: 'gemini-app' })
    const url = `${gateway.url}/genai/v1beta/models/mock-1:generateContent`
    const body = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] })
    const ok = await fetch(`${url}?key=${key}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    expect(ok.status).toBe(200)
    const refused = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-api-key': 'bad-key' }, body })
    expect(refused.status).toBe(401)
    const error = ((await refused.json()) as { error: { code: number; status: string } }).error
    expect(error.code).toBe(401)
    expect(error.status).toBe('UNAUTHENTICATED')
  })

  it('enforces model and provider allowlists with 403', async () => {
    const { key } = await newKey({ name: 'cheap-only', models: ['mock-c*'] })
    expect((await openai(key).chat.completions.create({ model: 'mock-cheap', messages: user('x') })).model).toBe('mock-cheap')
    const e = (await openai(key).chat.completions.create({ model: 'mock-1', messages: user('x') }).catch((x: unknown) => x)) as APIError
    expect(e).toBeInstanceOf(OpenAI.PermissionDeniedError)
    expect(e.type).toBe('policy_model_not_allowed')
    const other = await newKey({ name: 'other-provider', providers: ['openai'] })
    const e2 = (await openai(other.key).chat.completions.create({ model: 'mock-1', messages: user('x') }).catch((x: unknown) => x)) as APIError
    expect(e2.status).toBe(403)
    // The config-declared key: its secret came from config, its allowlist too.
    expect((await openai(DECLARED).chat.completions.create({ model: 'mock-cheap', messages: user('x') })).model).toBe('mock-cheap')
    expect(((await openai(DECLARED).chat.completions.create({ model: 'mock-1', messages: user('x') }).catch((x: unknown) => x)) as APIError).status).toBe(403)
  })

  it('lists only the models a key may use, on every front door, and refuses a listing (or a token count) without a valid key', async () => {
    const ids = async (key: string) => (await openai(key).models.list()).data.map((m) => m.id).sort()
    const everything = await ids((await newKey({ name: 'all-models' })).key)
    expect(everything).toEqual(expect.arrayContaining(['mock-1', 'mock-cheap', 'mock-slow', 'up-model']))
    const { key } = await newKey({ name: 'list-cheap', models: ['mock-c*'] })
    expect(await ids(key)).toEqual(['mock-cheap'])
    expect(await ids((await newKey({ name: 'list-up', providers: ['up'] })).key)).toEqual(['up-model'])
    expect((await openai(key).models.retrieve('mock-cheap')).id).toBe('mock-cheap')
    expect(((await openai(key).models.retrieve('mock-1').catch((x: unknown) => x)) as APIError).status).toBe(404)
    const anthropic = new Anthropic({ baseURL: `${gateway.url}/anthropic`, apiKey: key, maxRetries: 0 })
    expect((await anthropic.models.list()).data.map((m) => m.id)).toEqual(['mock-cheap'])
    const gemini = await fetch(`${gateway.url}/genai/v1beta/models?key=${key}`)
    expect(((await gemini.json()) as { models: { name: string }[] }).models.map((m) => m.name)).toEqual(['models/mock-cheap'])

    const anonymous = (await openai('sk-sluice-unknown-0000000000000000').models.list().catch((x: unknown) => x)) as APIError
    expect(anonymous).toBeInstanceOf(OpenAI.AuthenticationError)
    const bare = await fetch(`${gateway.url}/v1/models`)
    expect(bare.status).toBe(401)
    expect(((await bare.json()) as { error: { type: string } }).error.type).toBe('caller_unauthorized')
    const anthropicDenied = await fetch(`${gateway.url}/anthropic/v1/models`)
    expect([anthropicDenied.status, ((await anthropicDenied.json()) as { type: string }).type]).toEqual([401, 'error'])

    // Token counting answers the same callers, for the same models.
    const count = { messages: [{ role: 'user' as const, content: 'How many tokens is this?' }] }
    expect((await anthropic.messages.countTokens({ model: 'mock-cheap', ...count })).input_tokens).toBeGreaterThan(0)
    expect(((await anthropic.messages.countTokens({ model: 'mock-1', ...count }).catch((x: unknown) => x)) as APIError).status).toBe(403)
    const stranger = new Anthropic({ baseURL: `${gateway.url}/anthropic`, apiKey: 'sk-sluice-unknown-0000000000000000', maxRetries: 0 })
    expect(((await stranger.messages.countTokens({ model: 'mock-cheap', ...count }).catch((x: unknown) => x)) as APIError).status).toBe(401)
  })

  it('keeps a key to the provider keys it is restricted to', async () => {
    const { key } = await newKey({ name: 'batch-only', providerKeys: ['batch'] })
    for (let i = 0; i < 6; i++) {
      await openai(key).chat.completions.create({ model: 'up-model', messages: user('x') })
      expect(upstream.received.at(-1)!.headers.authorization).toBe('Bearer sk-upstream-batch-4567')
    }
    // A provider without that key cannot serve it.
    const e = (await openai(key).chat.completions.create({ model: 'mock-1', messages: user('x') }).catch((x: unknown) => x)) as APIError
    expect(e.status).toBe(403)
  })

  it('refuses expired and disabled keys', async () => {
    const { id, key } = await newKey({ name: 'short-lived', expiresAt: new Date(now + 60_000).toISOString() })
    expect((await openai(key).chat.completions.create({ model: 'mock-1', messages: user('x') })).object).toBe('chat.completion')
    now += 61_000
    const e = (await openai(key).chat.completions.create({ model: 'mock-1', messages: user('x') }).catch((x: unknown) => x)) as APIError
    expect(e.status).toBe(401)
    expect(e.message).toContain('expired')
    const other = await newKey({ name: 'to-disable' })
    expect((await admin('PATCH', `virtual-keys/${other.id}`, { active: false })).status).toBe(200)
    expect(((await openai(other.key).chat.completions.create({ model: 'mock-1', messages: user('x') }).catch((x: unknown) => x)) as APIError).status).toBe(401)
    expect((await admin('DELETE', `virtual-keys/${id}`)).status).toBe(200)
    expect((await admin('GET', `virtual-keys/${id}`)).status).toBe(404)
  })
})

describe('rate limits', () => {
  it('counts requests per window, answers 429 with retry-after and x-ratelimit-*, and resets with the window', async () => {
    now = Date.UTC(2026, 10, 23, 11, 0, 10)
    const { key } = await newKey({ name: 'rpm', rateLimits: [{ window: 'minute', requests: 3 }] })
    for (let i = 0; i < 3; i++) {
      const { response } = await openai(key).chat.completions.create({ model: 'mock-1', messages: user('x') }).withResponse()
      expect(response.headers?.get('x-ratelimit-limit-requests')).toBe('3')
      expect(response.headers?.get('x-ratelimit-remaining-requests')).toBe(String(2 - i))
    }
    const e = (await openai(key).chat.completions.create({ model: 'mock-1', messages: user('x') }).catch((x: unknown) => x)) as APIError
    expect(e).toBeInstanceOf(OpenAI.RateLimitError)
    expect(e.type).toBe('policy_rate_limited')
    expect(e.message).toContain('3 requests per minute')
    expect(e.headers?.get('retry-after')).toBe('50')
    expect(e.headers?.get('x-ratelimit-remaining-requests')).toBe('0')
    expect(e.headers?.get('x-ratelimit-reset-requests')).toBe('50s')
    now += 50_000
    expect((await openai(key).chat.completions.create({ model: 'mock-1', messages: user('x') })).object).toBe('chat.completion')
  })

  it('limits tokens per window from the usage of finished requests', async () => {
    const { key } = await newKey({ name: 'tpm', rateLimits: [{ window: 'hour', tokens: 5 }] })
    await openai(key).chat.completions.create({ model: 'mock-1', messages: user('a few words here to count') })
    await settle()
    const e = (await openai(key).chat.completions.create({ model: 'mock-1', messages: user('x') }).catch((x: unknown) => x)) as APIError
    expect(e.status).toBe(429)
    expect(e.message).toContain('tokens per hour')
    expect(e.headers?.get('x-ratelimit-limit-tokens')).toBe('5')
  })
})

describe('budgets', () => {
  it('charges the real cost of each request to the key and refuses with 402 once spent', async () => {
    now = Date.UTC(2026, 10, 23, 12, 0, 0)
    // mock-1 costs 1000 USD per million tokens: ~0.01 USD for a short exchange.
    const { id, key } = await newKey({ name: 'budgeted', budgets: [{ limitUsd: 0.02, period: 'hour' }] })
    let served = 0
    for (let i = 0; i < 10; i++) {
      const r = await openai(key).chat.completions.create({ model: 'mock-1', max_tokens: 5, messages: user('hello there') }).catch((x: unknown) => x)
      await settle()
      if (r instanceof OpenAI.APIError) {
        expect(r.status).toBe(402)
        expect(r.type).toBe('policy_budget_exceeded')
        expect(r.message).toContain('0.02 USD per hour')
        break
      }
      served++
    }
    expect(served).toBeGreaterThan(0)
    expect(served).toBeLessThan(10)
    const usage = (await admin('GET', `virtual-keys/${id}`)).body.usage
    expect(usage.spentUsd).toBeGreaterThan(0.02 - 1e-9)
    expect(usage.budgets[0].remainingUsd).toBe(0)
    expect(usage.requests).toBe(served)
    // What is left is exported as a metric (prometheus reads ctx.meta.budgets).
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text()
    expect(metrics).toMatch(new RegExp(`sluice_budget_remaining_usd\\{level="key",id="${id}"\\} [0-9.e-]+`))
    // The next hour is a new window.
    now += 3_600_000
    expect((await openai(key).chat.completions.create({ model: 'mock-1', max_tokens: 5, messages: user('hello there') })).object).toBe('chat.completion')
    // The gauge says what is left after the real cost, not after the request's worst case.
    const gauge = async () => Number(new RegExp(`sluice_budget_remaining_usd\\{level="key",id="${id}"\\} ([0-9.e-]+)`).exec(await (await fetch(`${gateway.url}/metrics`)).text())?.[1])
    const left = async () => (await admin('GET', `virtual-keys/${id}`)).body.usage.budgets[0].remainingUsd as number
    await expect.poll(async () => Math.abs((await gauge()) - (await left()))).toBeLessThan(1e-6)
    expect(await left()).toBeGreaterThan(0)
  })

  it('a team budget holds for every key of the team', async () => {
    const a = await newKey({ name: 'ml-a', team: 'ml' })
    const b = await newKey({ name: 'ml-b', team: 'ml' })
    let refused: APIError | undefined
    for (let i = 0; i < 20 && !refused; i++) {
      const client = openai(i % 2 ? a.key : b.key)
      const r = await client.chat.completions.create({ model: 'mock-1', max_tokens: 5, messages: user('hello team') }).catch((x: unknown) => x)
      await settle()
      if (r instanceof OpenAI.APIError) refused = r
    }
    expect(refused?.status).toBe(402)
    expect(refused?.message).toContain('team "ml"')
    const team = (await admin('GET', 'teams/ml')).body
    expect(team.usage.spentUsd).toBeGreaterThanOrEqual(0.05)
    expect(team.usage.spentUsd).toBeLessThan(0.05 + 0.02)
  })

  it('50 concurrent streams never overspend by more than one reservation', async () => {
    const limitUsd = 0.1
    const { id, key } = await newKey({ name: 'burst', budgets: [{ limitUsd, period: 'day' }] })
    const client = openai(key)
    const results = await Promise.all(
      Array.from({ length: 50 }, async () => {
        try {
          const stream = await client.chat.completions.create({ model: 'mock-slow', max_tokens: 20, stream: true, messages: user('count me in please') })
          let text = ''
          for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? ''
          return text ? 'ok' : 'empty'
        } catch (e) {
          return (e as APIError).status
        }
      }),
    )
    await settle()
    const ok = results.filter((r) => r === 'ok').length
    expect(ok).toBeGreaterThan(0)
    expect(results.filter((r) => r !== 'ok').every((r) => r === 402)).toBe(true)
    const usage = (await admin('GET', `virtual-keys/${id}`)).body.usage
    // One reservation: the prompt estimate plus 20 output tokens at 1000 USD per million.
    const oneReservation = ((Math.ceil('count me in please'.length / 3) + 7) + 20) * 1000 / 1e6
    expect(usage.spentUsd).toBeLessThanOrEqual(limitUsd + oneReservation)
    expect(usage.reservedUsd).toBe(0)
    expect(usage.requests).toBe(ok)
  })
})

describe('streams that end without usage', () => {
  const spent = async (id: string) => (await admin('GET', `virtual-keys/${id}`)).body.usage as { spentUsd: number; tokens: number; requests: number }

  it('a stream the upstream cuts short is charged from the gateway\'s token count, never zero', async () => {
    const { id, key } = await newKey({ name: 'cut', budgets: [{ limitUsd: 10, period: 'day' }] })
    const stream = await openai(key).chat.completions.create({ model: 'up-model', stream: true, messages: user('die') })
    let text = ''
    await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? ''
    })().catch(() => undefined)
    expect(text).toContain('die')
    // The upstream was asked for usage although the client was not.
    expect((upstream.received.at(-1)!.json.stream_options as { include_usage: boolean }).include_usage).toBe(true)
    await settle()
    const u = await spent(id)
    expect(u.tokens).toBeGreaterThan(3)
    expect(u.spentUsd).toBeGreaterThan(0)
  })

  it('a stream the client leaves is charged for what was produced', async () => {
    const { id, key } = await newKey({ name: 'leaver', budgets: [{ limitUsd: 10, period: 'day' }] })
    const controller = new AbortController()
    const stream = await openai(key).chat.completions.create({ model: 'up-model', stream: true, messages: user('slow') }, { signal: controller.signal })
    let chunks = 0
    await (async () => {
      for await (const _ of stream) if (++chunks === 5) controller.abort()
    })().catch(() => undefined)
    await new Promise((r) => setTimeout(r, 100))
    const u = await spent(id)
    expect(u.requests).toBe(1)
    expect(u.tokens).toBeGreaterThanOrEqual(4)
    expect(u.spentUsd).toBeGreaterThan(0)
  })
})

describe('config reload', () => {
  it('keeps keys and counters: the new plugin instance shares the store and ledger', async () => {
    const { id, key } = await newKey({ name: 'survives-reload', rateLimits: [{ window: 'day', requests: 3 }] })
    await openai(key).chat.completions.create({ model: 'mock-1', messages: user('x') })
    await openai(key).chat.completions.create({ model: 'mock-1', messages: user('x') })
    await settle()
    await gateway.reload(gateway.config as never)
    expect((await admin('GET', `virtual-keys/${id}`)).body.usage.requests).toBe(2)
    await openai(key).chat.completions.create({ model: 'mock-1', messages: user('x') })
    expect(((await openai(key).chat.completions.create({ model: 'mock-1', messages: user('x') }).catch((x: unknown) => x)) as APIError).status).toBe(429)
  })
})

describe('admin API', () => {
  it('needs a token; read tokens only read; errors are JSON', async () => {
    expect((await admin('GET', 'virtual-keys', undefined, 'wrong-token-0123456789')).status).toBe(401)
    expect((await admin('GET', 'virtual-keys', undefined, READER)).status).toBe(200)
    const denied = await admin('POST', 'virtual-keys', { name: 'x' }, READER)
    expect(denied.status).toBe(403)
    expect(denied.body.error.message).toContain('read-only')
    const invalid = await admin('POST', 'virtual-keys', { name: 'x', budgets: [{ limitUsd: -1, period: 'year' }] })
    expect(invalid.status).toBe(400)
    expect(invalid.body.error.message).toMatch(/budgets\.0\./)
    expect((await admin('POST', 'virtual-keys', { name: 'x', team: 'nope' })).status).toBe(400)
    expect((await admin('PATCH', 'virtual-keys/declared', { active: false })).status).toBe(409)
  })

  it('manages teams and customers, with usage', async () => {
    expect((await admin('POST', 'customers', { id: 'acme', name: 'Acme', budgets: [{ limitUsd: 100, period: 'month', reset: 'rolling' }] })).status).toBe(201)
    expect((await admin('POST', 'teams', { id: 'web', customer: 'acme' })).status).toBe(201)
    const { key } = await newKey({ name: 'web-key', team: 'web' })
    await openai(key).chat.completions.create({ model: 'mock-1', messages: user('hello') })
    await settle()
    const customer = (await admin('GET', 'customers/acme')).body
    expect(customer.usage.spentUsd).toBeGreaterThan(0)
    expect(customer.usage.budgets[0].remainingUsd).toBeLessThan(100)
    expect((await admin('GET', 'teams')).body.data.map((t: { id: string }) => t.id)).toEqual(expect.arrayContaining(['ml', 'web']))
    expect((await admin('PATCH', 'teams/web', { name: 'Web' })).body.name).toBe('Web')
  })

  it('never writes a key to the logs or the audit log', async () => {
    const { key } = await newKey({ name: 'secret-check' })
    await openai(key).chat.completions.create({ model: 'mock-1', messages: user('x') })
    await openai(`${key}x`).chat.completions.create({ model: 'mock-1', messages: user('x') }).catch(() => undefined)
    await settle()
    expect(logs.join('\n')).not.toContain(key.slice(10))
    const auditFile = readFileSync(path.join(dir, 'audit.jsonl'), 'utf8')
    expect(auditFile).toContain('admin.key.created')
    expect(auditFile).not.toContain(key.slice(10))
  })
})

describe('sluice keys (CLI)', () => {
  it('creates, lists and revokes keys through the admin API', async () => {
    const env = { SLUICE_ADMIN_TOKEN: ADMIN, SLUICE_URL: gateway.url }
    const created = runCli(['keys', 'create', '--name', 'from-cli', '--models', 'mock-1', '--budget', '5/month', '--rpm', '100'], env)
    expect(await created.exit).toBe(0)
    const key = created.output().split('\n')[0]
    expect(key).toMatch(/^sk-sluice-/)
    expect((await openai(key).chat.completions.create({ model: 'mock-1', messages: user('x') })).object).toBe('chat.completion')
    const listed = runCli(['keys', 'list'], env)
    expect(await listed.exit).toBe(0)
    expect(listed.output()).toContain('from-cli')
    expect(listed.output()).not.toContain(key)
    const id = /^(vk_\S+)\s+from-cli/m.exec(listed.output())![1]
    const revoked = runCli(['keys', 'revoke', id], env)
    expect(await revoked.exit).toBe(0)
    expect(((await openai(key).chat.completions.create({ model: 'mock-1', messages: user('x') }).catch((x: unknown) => x)) as APIError).status).toBe(401)
    const bad = runCli(['keys', 'create', '--name', 'x', '--budget', 'lots'], env)
    expect(await bad.exit).toBe(1)
    expect(bad.output()).toContain('--budget')
    const noToken = runCli(['keys', 'list'], { SLUICE_ADMIN_TOKEN: '', SLUICE_URL: gateway.url })
    expect(await noToken.exit).toBe(2)
  })
})

/** postLog settles detached from the answer: wait until the gateway has none running. */
async function settle() {
  // The answer can reach the client a turn before the gateway starts its postLog hooks.
  await new Promise((r) => setImmediate(r))
  await gateway.pipeline.drainPostLog()
}
