import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import OpenAI from 'openai'
import Anthropic from '@anthropic-ai/sdk'
import { createGateway } from '@sluice/core'
import type { Gateway } from '@sluice/core'
import { definePlugin } from '@sluice/sdk'
import type { RequestRecord, SluiceMeta } from '@sluice/sdk'
import guardrails from '@sluice/guardrails'
import semanticCache from '@sluice/semantic-cache'
import type { SemanticCacheOptions } from '@sluice/semantic-cache'
import { freePort } from './helpers/cli.js'
import { startOpenAIUpstream } from './helpers/openai-upstream.js'
import type { OpenAIUpstream } from './helpers/openai-upstream.js'
import { FIXTURE_MODEL, ask, askStream } from './helpers/semantic-cache.js'

type APIError = InstanceType<typeof OpenAI.APIError>

// Authenticates from the bearer key, as a governance plugin would: vk-1 and vk-2 are on team red.
const auth = definePlugin({
  name: 'test-auth',
  setup: () => ({
    policy(ctx) {
      const key = ctx.request.credential()
      if (key?.startsWith('vk-')) ctx.authenticate({ id: key, team: key === 'vk-3' ? 'blue' : 'red' })
    },
  }),
})

// What postLog saw: the record and the cache's meta, per request id.
const records = new Map<string, { record: RequestRecord; cache: SluiceMeta['cache'] }>()
const recorder = definePlugin({ name: 'test-recorder', setup: () => ({ postLog: (ctx, record) => void records.set(record.id, { record, cache: ctx.meta.cache }) }) })

let upstream: OpenAIUpstream
const gateways: Gateway[] = []
beforeAll(async () => {
  upstream = await startOpenAIUpstream()
})
afterAll(async () => {
  for (const g of gateways) await g.close()
  await upstream?.close()
})

/** A gateway: auth, guardrails (output redaction on `gpt-guarded`), the cache, provider-openai → the mock upstream. */
async function start(cache: SemanticCacheOptions = {}, dataDir = mkdtempSync(path.join(tmpdir(), 'sluice-cache-')), port = 0) {
  const gateway = await createGateway(
    {
      dataDir,
      log: { level: 'silent' },
      plugins: [
        recorder,
        auth,
        [guardrails, { profiles: { default: { input: false, output: false }, outputOnly: { input: false, rules: { secrets: 'redact', pii: 'redact' } } }, byModel: { 'gpt-guarded': 'outputOnly' } }],
        [semanticCache, { threshold: 0.9, routes: { models: ['gpt-*'], excludeModels: ['gpt-uncached'] }, ...cache, embedder: cache.embedder ?? { model: FIXTURE_MODEL } }],
        ['@sluice/provider-openai', { baseURL: upstream.url, keys: [{ value: 'sk-upstream' }], models: ['gpt-4o-mini', 'gpt-guarded', 'gpt-uncached', 'text-embedding-3-small'] }],
      ],
    } as never,
    { logWrite: () => {} },
  )
  await gateway.listen({ port, host: '127.0.0.1' })
  gateways.push(gateway)
  const client = (apiKey = 'anon') => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 })
  return { gateway, client, dataDir }
}

/** Upstream calls made while `fn` ran. */
async function upstreamCalls(fn: () => Promise<unknown>): Promise<number> {
  const before = upstream.received.length
  await fn()
  return upstream.received.length - before
}

async function recordOf(id: string) {
  for (let i = 0; i < 100 && !records.has(id); i++) await new Promise((r) => setTimeout(r, 5))
  return records.get(id)!
}

describe('semantic cache through a real gateway (OpenAI SDK, mock OpenAI upstream)', () => {
  let client: (apiKey?: string) => OpenAI
  let url: string
  beforeAll(async () => {
    const started = await start()
    client = started.client
    url = started.gateway.url
  })

  it('serves an exact repeat from the cache, with its original cost as the saving', async () => {
    expect(await upstreamCalls(async () => {
      const first = await ask(client(), 'What is the tallest mountain?')
      expect(first).toMatchObject({ text: 'You said: What is the tallest mountain?', cache: 'miss' })
      const second = await ask(client(), 'What is the tallest mountain?', { body: { user: 'someone', metadata: { a: 'b' } } })
      expect(second).toMatchObject({ text: first.text, cache: 'hit-exact', score: undefined })
      expect(second.usage).toEqual(first.usage)
      expect(second.id).not.toBe(first.id)
    })).toBe(1)
    const id = [...records.keys()].at(-1)!
    const { record, cache } = await recordOf(id)
    expect(record.shortCircuited).toBe(true)
    expect(record.attempts).toEqual([])
    expect(cache).toMatchObject({ result: 'hit-exact' })
    expect(cache!.savedUsd).toBeGreaterThan(0)
  })

  it('serves a paraphrase from the semantic layer, and only within the same context', async () => {
    expect(await upstreamCalls(async () => {
      expect((await ask(client(), 'What is the capital of France?')).cache).toBe('miss')
      const paraphrase = await ask(client(), "what's France's capital city?")
      expect(paraphrase).toMatchObject({ text: 'You said: What is the capital of France?', cache: 'hit-semantic' })
      expect(paraphrase.score).toBeGreaterThanOrEqual(0.9)
      expect(paraphrase.score).toBeLessThanOrEqual(1)
    })).toBe(1)
    // Unrelated, another system prompt, other sampling, or a stricter threshold: upstream.
    expect(await upstreamCalls(async () => {
      expect((await ask(client(), 'How do I cook pasta?')).cache).toBe('miss')
      expect((await ask(client(), "what's France's capital city?", { system: 'Answer in French.' })).cache).toBe('miss')
      expect((await ask(client(), "what's France's capital city?", { body: { temperature: 0.3 } })).cache).toBe('miss')
      expect((await ask(client(), 'Tell me the capital of France', { headers: { 'x-sluice-cache-threshold': '0.999' } })).cache).toBe('miss')
    })).toBe(4)
  })

  it('replays a cached answer as a stream: same text, usage only when asked for', async () => {
    const original = await ask(client(), 'Write a poem about the sea')
    expect(await upstreamCalls(async () => {
      const withUsage = await askStream(client(), 'Write a poem about the sea', { includeUsage: true })
      expect(withUsage).toMatchObject({ text: original.text, cache: 'hit-exact' })
      expect(withUsage.chunks).toBeGreaterThan(3)
      expect(withUsage.usage).toEqual(original.usage)
      const withoutUsage = await askStream(client(), 'Write a poem about the sea')
      expect(withoutUsage).toMatchObject({ text: original.text, cache: 'hit-exact', usage: undefined })
    })).toBe(0)
  })

  it('stores a streamed answer (usage asked upstream on the client’s behalf) and serves it as JSON', async () => {
    const streamed = await askStream(client(), 'Explain gravity to a child')
    expect(streamed).toMatchObject({ text: 'You said: Explain gravity to a child', cache: 'miss', usage: undefined })
    expect(await upstreamCalls(async () => {
      const hit = await ask(client(), 'Explain gravity to a child')
      expect(hit).toMatchObject({ text: streamed.text, cache: 'hit-exact' })
      expect(hit.usage?.total_tokens).toBeGreaterThan(0)
    })).toBe(0)
    const { cache } = await recordOf([...records.keys()].at(-1)!)
    expect(cache!.savedUsd).toBeGreaterThan(0)
  })

  it('never serves one tenant another tenant’s answer', async () => {
    const question = 'What is the population of Japan?'
    expect((await ask(client('vk-1'), question)).cache).toBe('miss')
    expect((await ask(client('vk-1'), question)).cache).toBe('hit-exact')
    // Same team, other key (namespaceBy: key), another team, no identity: all upstream.
    expect(await upstreamCalls(async () => {
      expect((await ask(client('vk-2'), question)).cache).toBe('miss')
      expect((await ask(client('vk-3'), "what's the population of japan")).cache).toBe('miss')
      expect((await ask(client('anon'), question)).cache).toBe('miss')
      // The client's namespace header narrows the partition further.
      expect((await ask(client('vk-1'), question, { headers: { 'x-sluice-cache-namespace': 'project-b' } })).cache).toBe('miss')
    })).toBe(4)
    expect((await ask(client('vk-1'), question, { headers: { 'x-sluice-cache-namespace': 'project-b' } })).cache).toBe('hit-exact')
    // Neither an anonymous caller nor another key reaches a keyed partition through the header.
    expect(await upstreamCalls(async () => {
      for (const namespace of ['project-b', 'key:vk-1', 'vk-1']) expect((await ask(client('anon'), question, { headers: { 'x-sluice-cache-namespace': namespace } })).cache).toBe('miss')
      expect((await ask(client('vk-2'), question, { headers: { 'x-sluice-cache-namespace': 'project-b' } })).cache).toBe('miss')
    })).toBe(4)
  })

  it('keeps a tenant whose id contains separators apart from another tenant using the namespace header', async () => {
    // The auth plugin takes ids as given: `vk-9|ns:shared` is one tenant, `vk-9` another.
    const question = 'Where are the backups kept?'
    expect((await ask(client('vk-9|ns:shared'), question)).cache).toBe('miss')
    expect((await ask(client('vk-9'), question, { headers: { 'x-sluice-cache-namespace': 'shared' } })).cache).toBe('miss')
  })

  it('honours no-cache, no-store and a per-request TTL', async () => {
    const q = 'How fast is a train?'
    expect(await upstreamCalls(async () => {
      expect((await ask(client(), q, { headers: { 'x-sluice-cache': 'no-store' } })).cache).toBe('miss')
      expect((await ask(client(), q, { headers: { 'x-sluice-cache': 'no-store' } })).cache).toBe('miss')
    })).toBe(2)
    await ask(client(), q)
    expect(await upstreamCalls(async () => {
      expect((await ask(client(), q, { headers: { 'x-sluice-cache': 'no-cache' } })).cache).toBe('miss')
      expect((await ask(client(), q)).cache).toBe('hit-exact')
    })).toBe(1)
    // A short TTL: served at once, gone after it.
    const t = 'Which planet is the largest?'
    await ask(client(), t, { headers: { 'x-sluice-cache-ttl': '0.3' } })
    expect((await ask(client(), t)).cache).toBe('hit-exact')
    await new Promise((r) => setTimeout(r, 350))
    expect((await ask(client(), t)).cache).toBe('miss')
  })

  it('refuses bad cache headers with a 400 in the OpenAI error shape', async () => {
    for (const headers of <Record<string, string>[]>[{ 'x-sluice-cache': 'maybe' }, { 'x-sluice-cache-ttl': '-1' }, { 'x-sluice-cache-threshold': '2' }, { 'x-sluice-cache-namespace': 'a b' }]) {
      const e = (await ask(client(), 'hello there', { headers }).catch((x: unknown) => x)) as APIError
      expect(e).toBeInstanceOf(OpenAI.BadRequestError)
      expect(e.type).toBe('caller_invalid_request')
      expect(e.message).toContain(Object.keys(headers)[0])
    }
  })

  it('does not cache errors, tool calls, n > 1, high temperature or excluded models', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }]
    const cases: [string, () => Promise<unknown>][] = [
      ['an error', () => ask(client(), 'error:500 please').catch((e: APIError) => expect(e.status).toBeGreaterThanOrEqual(500))],
      ['a tool call', async () => expect((await client().chat.completions.create({ model: 'gpt-4o-mini', tools, messages: [{ role: 'user', content: 'use the tool for Paris' }] })).choices[0].message.tool_calls).toHaveLength(1)],
      ['n > 1', async () => expect((await ask(client(), 'two answers please', { body: { n: 2 } })).cache).toBeNull()],
      ['temperature 1.5', async () => expect((await ask(client(), 'a wild answer please', { body: { temperature: 1.5 } })).cache).toBeNull()],
      ['an excluded model', async () => expect((await ask(client(), 'not for the cache', { model: 'gpt-uncached' })).cache).toBeNull()],
    ]
    for (const [name, send] of cases) {
      await send()
      expect(await upstreamCalls(send), name).toBeGreaterThanOrEqual(1)
    }
  })

  it('passes cache hits through the output guardrails of plugins listed before it', async () => {
    const q = 'my ssn is 536-22-1234'
    const first = await ask(client(), q, { model: 'gpt-guarded' })
    expect(first).toMatchObject({ text: 'You said: my ssn is [REDACTED:SSN]', cache: 'miss' })
    const hit = await ask(client(), q, { model: 'gpt-guarded' })
    expect(hit).toMatchObject({ text: 'You said: my ssn is [REDACTED:SSN]', cache: 'hit-exact' })
    const streamed = await askStream(client(), q, { model: 'gpt-guarded' })
    expect(streamed).toMatchObject({ text: 'You said: my ssn is [REDACTED:SSN]', cache: 'hit-exact' })
  })

  it('serves Anthropic clients from the cache too, in their own format (JSON and stream)', async () => {
    const anthropic = new Anthropic({ baseURL: `${url}/anthropic`, apiKey: 'anon', maxRetries: 0 })
    const params = { model: 'gpt-4o-mini', max_tokens: 50, messages: [{ role: 'user' as const, content: 'Name a famous French river' }] }
    const first = await anthropic.messages.create(params)
    expect(await upstreamCalls(async () => {
      const { data, response } = await anthropic.messages.create(params).withResponse()
      expect(response.headers.get('x-sluice-cache')).toBe('hit-exact')
      expect(data.content).toEqual(first.content)
      expect(data.usage.output_tokens).toBe(first.usage.output_tokens)
      const streamed = await anthropic.messages.stream(params).finalMessage()
      expect(streamed.content).toEqual(first.content)
      expect(streamed.stop_reason).toBe('end_turn')
    })).toBe(0)
  })

  it('never serves a long turn the answer to another whose embedded part is the same', async () => {
    // 520 filler words then the question: more tokens than the model takes (512), fewer
    // characters than maxChars (2000). The model would see only the filler of both.
    const filler = 'a '.repeat(520)
    expect((await ask(client(), `${filler}What is the capital of France?`)).cache).toBe('miss')
    expect(await ask(client(), `${filler}How do I cook pasta today?`)).toMatchObject({ text: `You said: ${filler}How do I cook pasta today?`, cache: 'miss' })
  })

  it('sends 50 identical concurrent questions upstream once', async () => {
    const q = 'wait:150 What is the oldest tree?'
    let answers: Awaited<ReturnType<typeof ask>>[] = []
    const calls = await upstreamCalls(async () => {
      answers = await Promise.all(Array.from({ length: 50 }, () => ask(client(), q)))
    })
    expect(calls).toBe(1)
    expect(new Set(answers.map((a) => a.text))).toEqual(new Set(['You said: wait:150 What is the oldest tree?']))
    expect(answers.filter((a) => a.cache === 'miss')).toHaveLength(1)
    expect(answers.filter((a) => a.cache === 'hit-exact')).toHaveLength(49)
    // The waiting requests were answered before the first one's cost was recorded: they report
    // the saving all the same (metrics and the request log read it).
    for (const hit of answers.filter((a) => a.cache === 'hit-exact')) {
      const { cache } = await recordOf(hit.id.replace('chatcmpl-cache-', ''))
      expect(cache!.savedUsd).toBeGreaterThan(0)
    }
  })

  it('releases waiting requests when the leader fails', async () => {
    const q = 'wait:100 error:503 now'
    const results = await Promise.all(Array.from({ length: 5 }, () => ask(client(), q).catch((e: APIError) => e.status)))
    expect(results.every((r) => typeof r === 'number' && r >= 500)).toBe(true)
  })
})

describe('semantic cache state', () => {
  it('keeps its entries across a restart (SQLite under dataDir), vectors included', async () => {
    const first = await start({})
    await ask(first.client(), 'What is the capital of Spain?')
    await first.gateway.close()
    gateways.splice(gateways.indexOf(first.gateway), 1)
    const second = await start({}, first.dataDir)
    expect(await upstreamCalls(async () => {
      expect((await ask(second.client(), 'What is the capital of Spain?')).cache).toBe('hit-exact')
      expect((await ask(second.client(), "what's Spain's capital city?")).cache).toBe('hit-semantic')
    })).toBe(0)
  })

  it('evicts the least recently used entries past maxEntries', async () => {
    const { client } = await start({ maxEntries: 3, sqlite: false })
    for (const q of ['one question about cats', 'two questions about dogs', 'three questions about birds']) await ask(client(), q)
    expect((await ask(client(), 'one question about cats')).cache).toBe('hit-exact') // now the most recent
    await ask(client(), 'four questions about horses')
    expect((await ask(client(), 'two questions about dogs')).cache).toBe('miss') // evicted
    expect((await ask(client(), 'one question about cats')).cache).toBe('hit-exact')
  })

  it('gives a user turn longer than maxChars exact lookups only: its end alone says nothing of the rest', async () => {
    const { client } = await start({ embedder: { model: FIXTURE_MODEL, maxChars: 60 } })
    const end = 'List the parties, the dates and the amounts, in one short paragraph please.'
    expect((await ask(client(), `Summarise contract one. ${end}`)).cache).toBe('miss')
    expect(await ask(client(), `Summarise contract two. ${end}`)).toMatchObject({ text: `You said: Summarise contract two. ${end}`, cache: 'miss' })
    expect((await ask(client(), `Summarise contract two. ${end}`)).cache).toBe('hit-exact')
  })

  it('shares a team’s entries with namespaceBy: team, and keeps teams apart', async () => {
    const { client } = await start({ namespaceBy: 'team', semantic: false })
    await ask(client('vk-1'), 'What is the best coffee?')
    expect((await ask(client('vk-2'), 'What is the best coffee?')).cache).toBe('hit-exact')
    expect((await ask(client('vk-3'), 'What is the best coffee?')).cache).toBe('miss')
  })

  it('can embed through an OpenAI-compatible API, here the gateway itself', async () => {
    // The mock upstream gives every text the same vector: any question in the partition is a neighbour.
    const port = await freePort()
    const { client } = await start({ embedder: { url: `http://127.0.0.1:${port}/v1`, model: 'text-embedding-3-small', apiKey: 'anon' } }, undefined, port)
    const before = upstream.received.length
    await ask(client(), 'What is the capital of Portugal?')
    const neighbour = await ask(client(), 'How do I bake bread?')
    expect(neighbour).toMatchObject({ text: 'You said: What is the capital of Portugal?', cache: 'hit-semantic', score: 1 })
    const embeddings = upstream.received.slice(before).filter((r) => r.path === '/v1/embeddings')
    expect(embeddings.map((r) => r.json.input)).toEqual([['What is the capital of Portugal?'], ['How do I bake bread?']])
  })
})
