import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import OpenAI from 'openai'
import { createGateway } from '@sluice/core'
import type { Gateway } from '@sluice/core'
import { definePlugin } from '@sluice/sdk'
import guardrails from '@sluice/guardrails'

type APIError = InstanceType<typeof OpenAI.APIError>

// A tiny auth plugin: the bearer key names the virtual key; vk-1 is on team red.
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

const sdk = (apiKey = 'x') => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 })
const user = (content: string) => [{ role: 'user' as const, content }]

describe('guardrails through a real gateway (OpenAI SDK, mock provider)', () => {
  it('blocks a secret on input with 403 policy_guardrail, naming the rule, not the secret', async () => {
    const e = (await sdk().chat.completions.create({ model: 'mock-1', messages: user('deploy with ghp_16C7e42F292c6912E7710c838347Ae178B4a') }).catch((x: unknown) => x)) as APIError
    expect(e).toBeInstanceOf(OpenAI.PermissionDeniedError)
    expect(e.type).toBe('policy_guardrail')
    expect(e.message).toContain('github_token')
    expect(e.message).not.toContain('ghp_16C7')
  })

  it('redacts PII on input (the echo shows what went up)', async () => {
    const r = await sdk().chat.completions.create({ model: 'mock-1', messages: [{ role: 'system', content: 'admin: root@corp.example.com' }, ...user('email jane.doe@example.com or call +1 415 555 2671')] })
    expect(r.choices[0].message.content).toBe('Echo: email [REDACTED:EMAIL] or call [REDACTED:PHONE]')
  })

  it('flags and passes', async () => {
    const r = await sdk().chat.completions.create({ model: 'mock-1', messages: user('ping 203.0.113.9') })
    expect(r.choices[0].message.content).toBe('Echo: ping 203.0.113.9')
  })

  it('redacts output in a stream when the secret spans several chunks', async () => {
    // The mock streams word by word; the key is split over chunks by spaces in the PEM block,
    // and the email arrives after other words in the window.
    const pem = '-----BEGIN PRIVATE KEY----- MIIEvQIBADANBgkqhkiG9w0BAQEFAASC BKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj -----END PRIVATE KEY-----'
    const stream = await sdk().chat.completions.create({ model: 'mock-out', stream: true, messages: user(`key ${pem} and mail jane.doe@example.com now`) })
    const parts: string[] = []
    for await (const c of stream) parts.push(c.choices[0]?.delta.content ?? '')
    const text = parts.join('')
    expect(text).toBe('Echo: key [REDACTED:PRIVATE_KEY] and mail [REDACTED:EMAIL] now')
    for (const p of parts) expect(p).not.toMatch(/MIIE|jane/)
  })

  it('redacts a non-stream answer', async () => {
    const r = await sdk().chat.completions.create({ model: 'mock-out', messages: user('my ssn is 536-22-1234') })
    expect(r.choices[0].message.content).toBe('Echo: my ssn is [REDACTED:SSN]')
  })

  it('chooses the profile per key/team: vk-1 (team red) is strict', async () => {
    const e = (await sdk('vk-1').chat.completions.create({ model: 'mock-1', messages: user('email jane.doe@example.com') }).catch((x: unknown) => x)) as APIError
    expect(e.status).toBe(403)
    expect(e.message).toContain('email')
    const r = await sdk('vk-2').chat.completions.create({ model: 'mock-1', messages: user('email jane.doe@example.com') })
    expect(r.choices[0].message.content).toBe('Echo: email [REDACTED:EMAIL]')
  })
})
