// A refusal from each layer of the organisation gateway, through each front door: the status and
// the wire format of that door, one request-log row and one metric sample per refusal, no cost,
// and nothing stored in the cache.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import OpenAI from 'openai'
import Anthropic from '@anthropic-ai/sdk'
import { KEYS, logRows, metric, startOrg, usage } from './helpers/org-gateway.ts'
import type { Org } from './helpers/org-gateway.ts'

let org: Org
beforeAll(async () => {
  org = await startOrg()
  // Spend the `broke` key's budget and the `slow` key's three requests of the day.
  const openai = new OpenAI({ baseURL: `${org.gateway.url}/v1`, apiKey: KEYS.broke, maxRetries: 0 })
  await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'spend it all' }] })
  // Settlement is detached (postLog): wait for it, as a client retrying later would.
  while ((await usage(org, 'broke')).spentUsd <= 0.001) await new Promise((resolve) => setImmediate(resolve))
  const slow = new OpenAI({ baseURL: `${org.gateway.url}/v1`, apiKey: KEYS.slow, maxRetries: 0 })
  for (let i = 0; i < 3; i++) await slow.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `call ${i}` }] })
})
afterAll(async () => {
  await org?.close()
})

type Door = 'openai' | 'anthropic' | 'gemini'
interface Refusal {
  name: string
  key: string
  prompt: string
  headers?: Record<string, string>
  status: number
  type: string
}

const SECRET = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a'
const REFUSALS: Refusal[] = [
  { name: 'unknown key', key: 'sk-org-nobody-0123456789abcdefgh', prompt: 'hello', status: 401, type: 'caller_unauthorized' },
  { name: 'model not allowed', key: KEYS.narrow, prompt: 'hello', status: 403, type: 'policy_model_not_allowed' },
  { name: 'budget spent', key: KEYS.broke, prompt: 'hello again', status: 402, type: 'policy_budget_exceeded' },
  { name: 'rate limited', key: KEYS.slow, prompt: 'one more', status: 429, type: 'policy_rate_limited' },
  { name: 'input guardrail', key: KEYS.strict, prompt: `use ${SECRET}`, status: 403, type: 'policy_guardrail' },
  { name: 'WASM guardrail', key: KEYS.app, prompt: 'plans for the zeppelin', status: 403, type: 'policy_guardrail' },
  { name: 'bad cache header', key: KEYS.app, prompt: 'a question with a bad ttl', headers: { 'x-sluice-cache-ttl': '-5' }, status: 400, type: 'caller_invalid_request' },
]

const MODEL: Record<Door, string> = { openai: 'gpt-4o-mini', anthropic: 'claude-3-5-haiku', gemini: 'gemini-2.0-flash' }

/** One refused request through a door's official client (raw fetch for Gemini): status, error type as the door reports it, request id. */
async function call(door: Door, r: Refusal): Promise<{ status: number; type: string; requestId: string }> {
  // The narrow key may use gpt-4o-mini only: through the OpenAI door it asks for a Claude model.
  const model = r.key === KEYS.narrow && door === 'openai' ? 'claude-3-5-haiku' : MODEL[door]
  if (door === 'openai') {
    const client = new OpenAI({ baseURL: `${org.gateway.url}/v1`, apiKey: r.key, maxRetries: 0 })
    const e = (await client.chat.completions.create({ model, messages: [{ role: 'user', content: r.prompt }] }, { headers: r.headers }).catch((x: unknown) => x)) as InstanceType<typeof OpenAI.APIError>
    expect(e).toBeInstanceOf(OpenAI.APIError)
    return { status: e.status!, type: e.type!, requestId: e.headers!.get('x-request-id')! }
  }
  if (door === 'anthropic') {
    const client = new Anthropic({ baseURL: `${org.gateway.url}/anthropic`, apiKey: r.key, maxRetries: 0 })
    const e = (await client.messages.create({ model, max_tokens: 50, messages: [{ role: 'user', content: r.prompt }] }, { headers: r.headers }).catch((x: unknown) => x)) as InstanceType<typeof Anthropic.APIError>
    expect(e).toBeInstanceOf(Anthropic.APIError)
    const body = e.error as { type: string; error: { type: string; message: string } }
    expect(body.type).toBe('error')
    return { status: e.status!, type: body.error.type, requestId: e.headers!.get('x-request-id')! }
  }
  const res = await fetch(`${org.gateway.url}/genai/v1beta/models/${model}:generateContent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-goog-api-key': r.key, ...r.headers },
    body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: r.prompt }] }] }),
  })
  const body = (await res.json()) as { error: { code: number; status: string; details: { reason: string }[] } }
  expect(body.error.code).toBe(res.status)
  return { status: res.status, type: body.error.details[0].reason, requestId: res.headers.get('x-request-id')! }
}

const ANTHROPIC_TYPES: Record<number, string> = { 400: 'invalid_request_error', 401: 'authentication_error', 402: 'billing_error', 403: 'permission_error', 429: 'rate_limit_error' }

describe('refusals from every layer, in every front door', () => {
  for (const door of ['openai', 'anthropic', 'gemini'] as const)
    for (const r of REFUSALS)
      it(`${door}: ${r.name} → ${r.status}, logged once, metered once, free, not cached`, async () => {
        const metered = await metric(org, 'sluice_requests_total', { error_type: r.type, status: String(r.status) })
        const spent = { app: (await usage(org, 'app')).spentUsd, broke: (await usage(org, 'broke')).spentUsd }
        const got = await call(door, r)
        expect(got.status).toBe(r.status)
        expect(got.type).toBe(door === 'anthropic' ? ANTHROPIC_TYPES[r.status] : r.type)
        await expect.poll(async () => (await logRows(org, '?limit=1000')).filter((row) => row.id === got.requestId).length).toBe(1)
        const row = (await logRows(org, '?limit=1000')).find((x) => x.id === got.requestId)!
        expect(row).toMatchObject({ status: r.status, error_type: r.type, cost_usd: null, provider: null })
        expect(row.cache).toBeUndefined()
        await expect.poll(() => metric(org, 'sluice_requests_total', { error_type: r.type, status: String(r.status) })).toBe(metered + 1)
        expect((await usage(org, 'app')).spentUsd).toBe(spent.app)
        expect((await usage(org, 'broke')).spentUsd).toBe(spent.broke)
      })

  it('a request refused for its cache header stored nothing: the same question is a miss afterwards', async () => {
    const client = new OpenAI({ baseURL: `${org.gateway.url}/v1`, apiKey: KEYS.app, maxRetries: 0 })
    const { response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'a question with a bad ttl' }] }).withResponse()
    expect(response.headers.get('x-sluice-cache')).toBe('miss')
  })
})
