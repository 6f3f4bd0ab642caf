import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Anthropic from '@anthropic-ai/sdk'
import { createGateway } from '@sluice/core'
import type { Gateway } from '@sluice/core'
import { definePlugin } from '@sluice/sdk'
import guardrails from '@sluice/guardrails'

// The same guardrail cases as guardrails-e2e.test.ts, through the Anthropic front door with the
// official Anthropic SDK (which sends its key as x-api-key).
const auth = definePlugin({
  name: 'test-auth',
  setup: () => ({
    policy(ctx) {
      const key = ctx.request.credential()
      if (key === 'vk-1') ctx.authenticate({ id: 'vk-1', team: 'red' })
      else if (key === 'vk-2') ctx.authenticate({ id: 'vk-2' })
    },
  }),
})

let gateway: Gateway
beforeAll(async () => {
  gateway = await createGateway(
    {
      log: { level: 'silent' },
      plugins: [
        auth,
        [
          guardrails,
          {
            profiles: {
              default: { rules: { secrets: 'block', high_entropy: 'flag', pii: 'redact', ipv4: 'flag' } },
              outputOnly: { input: false, rules: { secrets: 'redact', pii: 'redact' } },
              strict: { rules: { '*': 'block' } },
            },
            byModel: { 'mock-out*': 'outputOnly' },
            byTeam: { red: 'strict' },
          },
        ],
        ['@sluice/mock-provider', { models: ['mock-1', 'mock-out'] }],
      ],
    } as never,
    { logWrite: () => {} },
  )
  await gateway.listen({ port: 0, host: '127.0.0.1' })
})
afterAll(async () => {
  await gateway?.close()
})

const sdk = (apiKey = 'x') => new Anthropic({ baseURL: `${gateway.url}/anthropic`, apiKey, maxRetries: 0 })
const ask = (content: string, model = 'mock-1', apiKey?: string, system?: string) =>
  sdk(apiKey).messages.create({ model, max_tokens: 200, messages: [{ role: 'user', content }], ...(system ? { system } : {}) })
const text = (m: Anthropic.Message) => m.content.map((b) => (b.type === 'text' ? b.text : '')).join('')

describe('guardrails through the Anthropic front door (Anthropic SDK, mock provider)', () => {
  it('blocks a secret on input with a permission error naming the rule, not the secret', async () => {
    const e = (await ask('deploy with ghp_16C7e42F292c6912E7710c838347Ae178B4a').catch((x: unknown) => x)) as InstanceType<typeof Anthropic.APIError>
    expect(e).toBeInstanceOf(Anthropic.PermissionDeniedError)
    expect(e.message).toContain('github_token')
    expect(e.message).not.toContain('ghp_16C7')
  })

  it('redacts PII on input, system prompt included (the echo shows what went up)', async () => {
    const r = await ask('email jane.doe@example.com or call +1 415 555 2671', 'mock-1', undefined, 'admin: root@corp.example.com')
    expect(text(r)).toBe('Echo: email [REDACTED:EMAIL] or call [REDACTED:PHONE]')
  })

  it('flags and passes', async () => {
    expect(text(await ask('ping 203.0.113.9'))).toBe('Echo: ping 203.0.113.9')
  })

  it('redacts output in a stream when the secret spans several chunks', async () => {
    const pem = '-----BEGIN PRIVATE KEY----- MIIEvQIBADANBgkqhkiG9w0BAQEFAASC BKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj -----END PRIVATE KEY-----'
    const stream = sdk().messages.stream({ model: 'mock-out', max_tokens: 200, messages: [{ role: 'user', content: `key ${pem} and mail jane.doe@example.com now` }] })
    const parts: string[] = []
    stream.on('text', (delta) => parts.push(delta))
    const final = await stream.finalMessage()
    expect(text(final)).toBe('Echo: key [REDACTED:PRIVATE_KEY] and mail [REDACTED:EMAIL] now')
    for (const p of parts) expect(p).not.toMatch(/MIIE|jane/)
  })

  it('redacts a non-stream answer', async () => {
    expect(text(await ask('my ssn is 536-22-1234', 'mock-out'))).toBe('Echo: my ssn is [REDACTED:SSN]')
  })

  it('chooses the profile per key: vk-1 (team red) is strict, vk-2 is not', async () => {
    const e = (await ask('email jane.doe@example.com', 'mock-1', 'vk-1').catch((x: unknown) => x)) as InstanceType<typeof Anthropic.APIError>
    expect(e.status).toBe(403)
    expect(e.message).toContain('email')
    expect(text(await ask('email jane.doe@example.com', 'mock-1', 'vk-2'))).toBe('Echo: email [REDACTED:EMAIL]')
  })
})
