import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import OpenAI from 'openai'

type APIError = InstanceType<typeof OpenAI.APIError>
import { createGateway } from '@sluice/core'
import type { Gateway } from '@sluice/core'
import type { RequestRecord } from '@sluice/sdk'
import { badHeader, deny, explodeClosed, explodeOpen, meter, shortCircuit, shout } from './fixtures/lifecycle-plugins.js'
import { startOpenAIUpstream } from './helpers/openai-upstream.js'
import type { OpenAIUpstream } from './helpers/openai-upstream.js'

// Plugins given as objects here; record-plugin.ts is loaded by path, as a user's TS file would be.
const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures')
const state = () => (globalThis as unknown as { __lifecycle: { records: RequestRecord[]; events: string[] } }).__lifecycle

let upstream: OpenAIUpstream
let closed: Gateway
let open: Gateway
let metered: Gateway

async function start(plugins: unknown[]): Promise<Gateway> {
  const g = await createGateway({ log: { level: 'silent' }, plugins: [...plugins, ['@sluice/provider-openai', { id: 'openai', baseURL: upstream.url, keys: [{ value: 'sk-x-000000000000000000' }], models: ['gpt-4o-mini'] }]] as never })
  await g.listen({ port: 0, host: '127.0.0.1' })
  return g
}

beforeAll(async () => {
  upstream = await startOpenAIUpstream()
  closed = await start([shortCircuit, [deny, { term: 'project falcon' }], explodeClosed, badHeader, shout, path.join(fixtures, 'record-plugin.ts')])
  open = await start([explodeOpen])
  metered = await start([meter])
})

afterAll(async () => {
  await closed?.close()
  await open?.close()
  await metered?.close()
  await upstream?.close()
})

const sdk = (g: Gateway) => new OpenAI({ baseURL: `${g.url}/v1`, apiKey: 'x', maxRetries: 0 })
const user = (content: string) => [{ role: 'user' as const, content }]

describe('the lifecycle through a real gateway', () => {
  it('answers early from a plugin without calling upstream, plain and as a stream, and still logs', async () => {
    const before = upstream.received.length
    const plain = await sdk(closed).chat.completions.create({ model: 'gpt-4o-mini', messages: user('cached question') })
    expect(plain.choices[0].message.content).toBe('from the plugin')
    const stream = await sdk(closed).chat.completions.create({ model: 'gpt-4o-mini', messages: user('cached question'), stream: true, stream_options: { include_usage: true } })
    let text = ''
    for await (const c of stream) text += c.choices[0]?.delta.content ?? ''
    expect(text).toBe('from the plugin')
    expect(upstream.received.length).toBe(before)
    for (let i = 0; i < 50 && state().records.filter((r) => r.shortCircuited).length < 2; i++) await new Promise((r) => setTimeout(r, 10))
    expect(state().records.filter((r) => r.shortCircuited).map((r) => [r.stream, r.status])).toEqual([[false, 200], [true, 200]])
    expect(state().events).toContain('short-circuit saw response')
  })

  it('refuses with the policy error as thrown', async () => {
    const error = (await sdk(closed).chat.completions.create({ model: 'gpt-4o-mini', messages: user('tell me about project falcon') }).catch((e: unknown) => e)) as APIError
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError)
    expect(error.type).toBe('policy_forbidden')
  })

  it('fails closed when a plugin throws, without showing what it threw', async () => {
    const error = (await sdk(closed).chat.completions.create({ model: 'gpt-4o-mini', messages: user('explode') }).catch((e: unknown) => e)) as APIError
    expect(error.status).toBe(500)
    expect(error.type).toBe('gateway_plugin_error')
    expect(error.message).not.toContain('10.0.0.7')
    expect(closed.pipeline.stats.pluginErrors.get('fixture-explode-closed:preRequest')).toBe(1)
  })

  it('answers a header Node cannot send as the plugin\'s failure, never leaving the client without an answer', async () => {
    for (const stream of [false, true]) {
      const error = (await sdk(closed).chat.completions.create({ model: 'gpt-4o-mini', messages: user('bad header'), stream }).catch((e: unknown) => e)) as APIError
      expect([error.status, error.type]).toEqual([500, 'gateway_plugin_error'])
    }
    expect(closed.pipeline.stats.pluginErrors.get('fixture-bad-header:preRequest')).toBe(2)
  })

  it('goes on when the failing plugin is fail-open', async () => {
    const r = await sdk(open).chat.completions.create({ model: 'gpt-4o-mini', messages: user('explode') })
    expect(r.choices[0].message.content).toBe('You said: explode')
    expect(open.pipeline.stats.pluginErrors.get('fixture-explode-open:preRequest')).toBe(1)
  })

  it('gets usage for a plugin that needs it, without handing the client a usage chunk it did not ask for', async () => {
    const stream = await sdk(metered).chat.completions.create({ model: 'gpt-4o-mini', messages: user('meter me'), stream: true })
    const chunks = []
    for await (const c of stream) chunks.push(c)
    expect(chunks.some((c) => c.usage)).toBe(false)
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('You said: meter me')
    expect(upstream.received.at(-1)!.json.stream_options).toEqual({ include_usage: true })
    for (let i = 0; i < 50 && !state().records.some((r) => r.requestedModel === 'gpt-4o-mini' && r.stream && r.usage && !r.shortCircuited); i++) await new Promise((r) => setTimeout(r, 10))
    expect(state().records.findLast((r) => r.stream && !r.shortCircuited)?.usage?.total_tokens).toBe(18)
  })

  it('lets a chunk hook rewrite a stream (and then the bytes are re-encoded, not passed through)', async () => {
    const res = await fetch(`${closed.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: user('shout please') }),
    })
    const text = await res.text()
    expect(text).not.toBe(upstream.lastStream)
    const content = text
      .split('\n\n')
      .filter((e) => e.startsWith('data: {'))
      .map((e) => JSON.parse(e.slice(6)).choices[0]?.delta.content ?? '')
      .join('')
    expect(content).toBe('YOU SAID: SHOUT PLEASE')
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true)
  })
})
