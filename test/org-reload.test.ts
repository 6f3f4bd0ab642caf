// Config reloads of the organisation gateway: a change of guardrail policy reaches cached
// answers, and requests in flight across a reload lose nothing (usage, log rows, cache entries).
import { execFileSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import OpenAI from 'openai'
import Anthropic from '@anthropic-ai/sdk'
import { KEYS, logRow, startOrg, usage } from './helpers/org-gateway.ts'
import type { Org } from './helpers/org-gateway.ts'
import { ask, askStream } from './helpers/semantic-cache.ts'

let org: Org
beforeAll(async () => {
  org = await startOrg()
})
afterAll(async () => {
  await org?.close()
})

const client = () => new OpenAI({ baseURL: `${org.gateway.url}/v1`, apiKey: KEYS.app, maxRetries: 0 })
const claude = () => new Anthropic({ baseURL: `${org.gateway.url}/anthropic`, apiKey: KEYS.app, maxRetries: 0 })
const claudeAsk = (content: string): Anthropic.MessageCreateParamsNonStreaming => ({ model: 'held-1', max_tokens: 50, messages: [{ role: 'user', content }] })
const SECRET = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a'

describe('reloads', () => {
  it('a stricter guardrail policy applies to answers cached from streams as from JSON answers', async () => {
    const streamed = await askStream(client(), `Keep ${SECRET} for the deploy`)
    expect(streamed.cache).toBe('miss')
    expect(streamed.text).toContain('[REDACTED:GITHUB_TOKEN]')
    const plain = await ask(client(), `Keep ${SECRET} for the release`)
    expect(plain.text).toContain('[REDACTED:GITHUB_TOKEN]')
    await org.gateway.reload(org.config({ guardrailSecrets: 'block' }) as never)
    for (const question of [`Keep ${SECRET} for the deploy`, `Keep ${SECRET} for the release`]) {
      const e = (await ask(client(), question).catch((x: unknown) => x)) as InstanceType<typeof OpenAI.APIError>
      expect(e, `${question}: ${JSON.stringify(e)}`).toBeInstanceOf(OpenAI.PermissionDeniedError)
      expect(e.type).toBe('policy_guardrail')
    }
  })

  it('requests in flight across a reload lose nothing: usage, log rows, cache entries; the old workers stop', async () => {
    const before = await usage(org, 'app')
    const workers = children()
    expect(workers.length).toBeGreaterThan(0) // the embedding worker of the running config
    org.held.hold()
    const openai = client()
    const question = (n: number) => `in flight number ${n}`
    const inflight = [
      openai.chat.completions.create({ model: 'held-1', messages: [{ role: 'user', content: question(1) }] }).withResponse(),
      openai.chat.completions.create({ model: 'held-1', messages: [{ role: 'user', content: question(2) }] }).withResponse(),
      streamed(openai, question(3)),
      claude().messages.create(claudeAsk(question(4))).withResponse(),
    ]
    await expect.poll(() => org.held.received.length).toBe(4)
    await org.gateway.reload(org.config() as never)
    org.held.release()
    const ids = (await Promise.all(inflight)).map(({ response }) => response.headers.get('x-request-id')!)
    // Governance charged every one of them, once.
    await expect.poll(async () => (await usage(org, 'app')).requests).toBe(before.requests + 4)
    // The request log wrote every row, with its cost.
    for (const id of ids) await expect.poll(() => logRow(org, id)).toMatchObject({ status: 200, key: 'app', provider: 'held' })
    const costs = await Promise.all(ids.map(async (id) => (await logRow(org, id))!.cost_usd as number))
    expect((await usage(org, 'app')).spentUsd - before.spentUsd).toBeCloseTo(costs.reduce((a, b) => a + b, 0), 9)
    // What the old config's cache stored is served by the new one.
    for (const n of [1, 2, 3]) expect((await ask(openai, question(n), { model: 'held-1' })).cache, question(n)).toBe('hit-exact')
    expect((await claude().messages.create(claudeAsk(question(4))).withResponse()).response.headers.get('x-sluice-cache')).toBe('hit-exact')
    // The old config's embedding worker processes are gone once its requests finished.
    await expect.poll(() => children().length).toBe(workers.length)
  })
})

async function streamed(openai: OpenAI, content: string) {
  const { data, response } = await openai.chat.completions.create({ model: 'held-1', stream: true, messages: [{ role: 'user', content }] }).withResponse()
  for await (const _ of data);
  return { response }
}

/** This process's child processes (the cache's embedding workers). */
function children(): string[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(process.pid)]).toString().trim().split(/\s+/).filter(Boolean)
  } catch {
    return [] // ps exits 1 when there are none
  }
}
