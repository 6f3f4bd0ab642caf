import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import OpenAI from 'openai'
import { createGateway } from '@sluice/core'
import type { Gateway } from '@sluice/core'
import { definePlugin } from '@sluice/sdk'

// Stands in for the cache and governance plugins: reports what they will report.
const reporter = definePlugin({
  name: 'test-reporter',
  setup: () => ({
    preRequest(ctx) {
      ctx.meta.cache = { result: ctx.request.texts().some((t) => t.startsWith('plain')) ? 'miss' : 'hit-exact', savedUsd: 0.5 }
      ctx.meta.budgets = [{ level: 'key', id: 'vk-1', remainingUsd: 12.5 }]
    },
  }),
})

let gateway: Gateway
let client: OpenAI

beforeAll(async () => {
  gateway = await createGateway({
    log: { level: 'silent' },
    prices: { 'mock-1': { input: 1, output: 2 } },
    plugins: [['@sluice/prometheus', { token: 'scrape-secret', defaultMetrics: false }], reporter, ['@sluice/mock-provider', {}]],
  })
  await gateway.listen({ port: 0, host: '127.0.0.1' })
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'x', maxRetries: 0 })
})

afterAll(async () => {
  await gateway?.close()
})

/** Parses the Prometheus text format into `name{labels}` → value. */
async function scrape(): Promise<Map<string, number>> {
  const res = await fetch(`${gateway.url}/metrics`, { headers: { authorization: 'Bearer scrape-secret' } })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toContain('text/plain')
  const out = new Map<string, number>()
  for (const line of (await res.text()).split('\n')) {
    if (!line || line.startsWith('#')) continue
    const at = line.lastIndexOf(' ')
    out.set(line.slice(0, at), Number(line.slice(at + 1)))
  }
  return out
}

const sum = (m: Map<string, number>, prefix: string, ...parts: string[]) =>
  [...m].filter(([k]) => k.startsWith(prefix) && parts.every((p) => k.includes(p))).reduce((s, [, v]) => s + v, 0)

describe('@sluice/prometheus', () => {
  it('refuses a scrape without the token', async () => {
    expect((await fetch(`${gateway.url}/metrics`)).status).toBe(401)
  })

  it('counts requests, statuses and tokens that match the traffic sent', async () => {
    let input = 0
    let output = 0
    for (let i = 0; i < 5; i++) {
      const r = await client.chat.completions.create({ model: 'mock-1', messages: [{ role: 'user', content: `plain number ${i}` }] })
      input += r.usage!.prompt_tokens
      output += r.usage!.completion_tokens
    }
    for (let i = 0; i < 3; i++) {
      const stream = await client.chat.completions.create({ model: 'mock-1', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: `streamed ${i} words` }] })
      for await (const c of stream)
        if (c.usage) {
          input += c.usage.prompt_tokens
          output += c.usage.completion_tokens
        }
    }
    await client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }).catch(() => {})
    await new Promise((r) => setTimeout(r, 50)) // postLog is detached
    const m = await scrape()
    expect(sum(m, 'sluice_requests_total', 'status="200"', 'model="mock-1"', 'provider="mock"')).toBe(8)
    expect(sum(m, 'sluice_requests_total', 'status="404"', 'error_type="caller_model_not_found"')).toBe(1)
    expect(sum(m, 'sluice_tokens_total', 'type="input"')).toBe(input)
    expect(sum(m, 'sluice_tokens_total', 'type="output"')).toBe(output)
    expect(sum(m, 'sluice_cost_usd_total', 'model="mock-1"')).toBeCloseTo((input + 2 * output) / 1e6, 12)
    expect(sum(m, 'sluice_request_duration_seconds_count', 'stream="true"')).toBe(3)
    expect(sum(m, 'sluice_time_to_first_token_seconds_count')).toBe(3)
    expect(sum(m, 'sluice_gateway_overhead_seconds_count')).toBe(5)
    expect(m.get('sluice_requests_in_flight')).toBe(0)
    expect(sum(m, 'sluice_inter_token_seconds_count')).toBe(3)
    expect(sum(m, 'sluice_cache_requests_total', 'result="miss"')).toBe(5)
    expect(sum(m, 'sluice_cache_requests_total', 'result="hit-exact"')).toBe(4)
    expect(m.get('sluice_budget_remaining_usd{level="key",id="vk-1"}')).toBe(12.5)
  })

  it('keeps model labels bounded: names a client invents do not grow the series forever', async () => {
    const small = await createGateway({ log: { level: 'silent' }, plugins: [['@sluice/prometheus', { maxModels: 2, defaultMetrics: false }], ['@sluice/mock-provider', {}]] })
    await small.listen({ port: 0, host: '127.0.0.1' })
    try {
      const c = new OpenAI({ baseURL: `${small.url}/v1`, apiKey: 'x', maxRetries: 0 })
      for (const model of ['mock/a', 'mock/b', 'mock/c', 'mock/d']) await c.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }] })
      await new Promise((r) => setTimeout(r, 50))
      const text = await (await fetch(`${small.url}/metrics`)).text()
      expect(text).toContain('model="a"')
      expect(text).toContain('model="b"')
      expect(text).not.toContain('model="c"')
      expect(text).toMatch(/sluice_requests_total\{[^}]*model="other"[^}]*\} 2/)
    } finally {
      await small.close()
    }
  })
})
