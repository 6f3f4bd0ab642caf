// An Anthropic SDK client with a virtual key through the whole organisation gateway: answers,
// cache hits replayed as Anthropic streams, output guardrails on cached answers, and what the
// request log, governance and the metrics say about each request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Anthropic from '@anthropic-ai/sdk'
import { KEYS, logRow, metric, startOrg, usage } from './helpers/org-gateway.ts'
import type { Org } from './helpers/org-gateway.ts'

let org: Org
beforeAll(async () => {
  org = await startOrg()
})
afterAll(async () => {
  await org?.close()
})

const claude = (key = KEYS.app) => new Anthropic({ baseURL: `${org.gateway.url}/anthropic`, apiKey: key, maxRetries: 0 })
const text = (m: Anthropic.Message) => m.content.map((b) => (b.type === 'text' ? b.text : '')).join('')
const params = (content: string): Anthropic.MessageCreateParamsNonStreaming => ({ model: 'claude-3-5-haiku', max_tokens: 100, messages: [{ role: 'user', content }] })

async function ask(content: string, key?: string) {
  const { data, response } = await claude(key).messages.create(params(content)).withResponse()
  return { text: text(data), cache: response.headers.get('x-sluice-cache'), id: response.headers.get('x-request-id')!, message: data }
}

async function askStream(content: string, key?: string) {
  const { data: stream, response } = await claude(key).messages.create({ ...params(content), stream: true }).withResponse()
  const events: string[] = []
  let out = ''
  let outputTokens: number | undefined
  for await (const event of stream) {
    events.push(event.type)
    if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') out += event.delta.text
    if (event.type === 'message_delta') outputTokens = event.usage.output_tokens
  }
  return { text: out, events, outputTokens, cache: response.headers.get('x-sluice-cache'), id: response.headers.get('x-request-id')! }
}

describe('Anthropic SDK with a virtual key, through governance, guardrails, WASM and the cache', () => {
  it('answers plainly and as a stream, then replays the cached answer as a proper Anthropic stream', async () => {
    const miss = await ask('Which colour is the staging dashboard?')
    expect(miss.cache).toBe('miss')
    expect(miss.text).toBe('You said: Which colour is the staging dashboard?')
    // The WASM system prompt reached the Anthropic upstream as its `system`.
    expect(JSON.stringify(org.anthropic.received.at(-1)!.json.system)).toContain('Be brief.')

    const hit = await askStream('Which colour is the staging dashboard?')
    expect(hit.cache).toBe('hit-exact')
    expect(hit.text).toBe(miss.text)
    expect(hit.events[0]).toBe('message_start')
    expect(hit.events).toContain('content_block_delta')
    expect(hit.events.at(-1)).toBe('message_stop')
    expect(hit.outputTokens).toBe(miss.message.usage.output_tokens)
  })

  it('redacts a secret in a cached answer, in JSON and in the replayed stream', async () => {
    const secret = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a'
    const first = await ask(`Remember the token ${secret}`)
    expect(first.cache).toBe('miss')
    expect(first.text).not.toContain(secret)
    expect(first.text).toContain('[REDACTED:GITHUB_TOKEN]')
    const again = await ask(`Remember the token ${secret}`)
    expect(again.cache).toBe('hit-exact')
    expect(again.text).toBe(first.text)
    const streamed = await askStream(`Remember the token ${secret}`)
    expect(streamed.cache).toBe('hit-exact')
    expect(streamed.text).toBe(first.text)
  })

  it('logs a hit with its key, team, no cost and its cache result, and counts it in the metrics', async () => {
    const question = 'How many tables does the billing schema hold?'
    const hitsBefore = await metric(org, 'sluice_cache_requests_total', { result: 'hit-exact' })
    const tokensBefore = { upstream: await metric(org, 'sluice_tokens_total', { provider: 'anthropic' }), none: await metric(org, 'sluice_tokens_total', { provider: 'none' }) }
    const before = await usage(org, 'app')
    const miss = await ask(question)
    const hit = await ask(question)
    expect(hit.cache).toBe('hit-exact')
    await expect.poll(() => logRow(org, hit.id)).toBeTruthy()
    await expect.poll(() => logRow(org, miss.id)).toBeTruthy()
    const missRow = (await logRow(org, miss.id))!
    const hitRow = (await logRow(org, hit.id))!
    expect(missRow).toMatchObject({ key: 'app', team: 'support', provider: 'anthropic', status: 200, short_circuited: false })
    expect(missRow.cost_usd).toBeGreaterThan(0)
    expect(missRow.cache.result).toBe('miss')
    expect(hitRow).toMatchObject({ key: 'app', team: 'support', provider: null, status: 200, short_circuited: true, cost_usd: null })
    expect(hitRow.cache).toMatchObject({ result: 'hit-exact', savedUsd: missRow.cost_usd })
    await expect.poll(() => metric(org, 'sluice_cache_requests_total', { result: 'hit-exact' })).toBe(hitsBefore + 1)
    // Tokens are what upstreams processed (what costs): the miss's, none for the hit.
    const { input_tokens, output_tokens, cached_tokens } = missRow.usage
    expect(await metric(org, 'sluice_tokens_total', { provider: 'anthropic' })).toBe(tokensBefore.upstream + input_tokens + output_tokens + cached_tokens)
    expect(await metric(org, 'sluice_tokens_total', { provider: 'none' })).toBe(tokensBefore.none)
    // Governance counted both requests and charged only the upstream answer.
    await expect.poll(async () => (await usage(org, 'app')).requests).toBe(before.requests + 2)
    expect((await usage(org, 'app')).spentUsd - before.spentUsd).toBeCloseTo(missRow.cost_usd, 9)
  })
})
