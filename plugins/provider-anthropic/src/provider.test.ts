import { describe, expect, it } from 'vitest'
import type { ProviderAdapter } from '@sluice/sdk'
import plugin, { ANTHROPIC_BASE_URL, optionsSchema } from './index.js'

async function adapter(options: unknown): Promise<ProviderAdapter> {
  const instance = await plugin.setup(optionsSchema.parse(options), { configDir: '.', dataDir: '.', log: console, audit: () => {}, cost: () => undefined })
  return instance.providers![0]
}

const call = { model: 'claude-sonnet-4-5', key: 'sk-ant-k', stream: false, usage: true }
const req = { model: 'anthropic/claude-sonnet-4-5', messages: [{ role: 'user' as const, content: 'hi' }] }

describe('@sluice/provider-anthropic', () => {
  it('defaults to api.anthropic.com, wire format anthropic, x-api-key and anthropic-version', async () => {
    const a = await adapter({ keys: [{ value: 'sk-ant-k' }], models: ['claude-*'] })
    expect(a).toMatchObject({ id: 'anthropic', kind: 'anthropic', wireFormat: 'anthropic', baseURL: ANTHROPIC_BASE_URL, models: ['claude-*'] })
    expect(ANTHROPIC_BASE_URL).toBe('https://api.anthropic.com')
    expect(await a.auth('sk-ant-k')).toEqual({ 'x-api-key': 'sk-ant-k', 'anthropic-version': '2023-06-01' })
  })

  it('needs a key unless a base URL is set, and refuses unknown options', () => {
    expect(optionsSchema.safeParse({}).error?.issues[0]).toMatchObject({ path: ['keys'] })
    expect(optionsSchema.safeParse({ baseURL: 'http://127.0.0.1:9000' }).success).toBe(true)
    expect(optionsSchema.safeParse({ keys: [{ value: 'k' }], maxTokens: 5 }).success).toBe(false)
  })

  it('posts to /v1/messages with the configured version, betas and default max_tokens', async () => {
    const a = await adapter({ id: 'claude', keys: [{ value: 'k' }], baseURL: 'http://proxy/', version: '2024-01-01', beta: ['b1'], defaultMaxTokens: 1000 })
    expect(a.baseURL).toBe('http://proxy')
    expect(await a.auth('k')).toEqual({ 'x-api-key': 'k', 'anthropic-version': '2024-01-01' })
    const upstream = await a.chat!.request({ ...req, anthropic: { betas: ['b2', 'b1'] } }, call)
    expect(upstream).toEqual({
      path: '/v1/messages',
      headers: { 'anthropic-beta': 'b1,b2' },
      body: { model: 'claude-sonnet-4-5', max_tokens: 1000, messages: [{ role: 'user', content: 'hi' }] },
    })
    expect((await a.chat!.request(req, { ...call, stream: true })).body).toMatchObject({ stream: true })
  })

  it('maps errors and responses with its own id in the messages', async () => {
    const a = await adapter({ id: 'claude', keys: [{ value: 'k' }] })
    expect(a.error({ status: 529, body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, headers: {} }).message).toContain('Provider "claude"')
    expect(() => a.chat!.response({ nope: true }, call)).toThrow('Provider "claude"')
  })
})
