// Every hook a WASM plugin may serve (wasm-examples/hooks-probe), through a real gateway with the
// OpenAI SDK and the mock provider: what each hook sees, and what each may answer.
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import OpenAI from 'openai'
import { createGateway } from '@sluice/core'
import type { Gateway } from '@sluice/core'
import { definePlugin } from '@sluice/sdk'
import { ROOT } from './helpers/cli.ts'

const user = (content: string) => [{ role: 'user' as const, content }]
type APIError = InstanceType<typeof OpenAI.APIError>

const auth = definePlugin({
  name: 'test-auth',
  setup: () => ({
    policy(ctx) {
      if (ctx.request.credential() === 'vk-1') ctx.authenticate({ id: 'vk-1', team: 'red' })
    },
  }),
})

let gateway: Gateway
const logs: Record<string, unknown>[] = []
beforeAll(async () => {
  gateway = await createGateway(
    { plugins: [auth, [path.join(ROOT, 'wasm-examples/hooks-probe/build/hooks-probe.wasm'), { timeoutMs: 1000 }], ['@sluice/mock-provider', { models: ['mock-1'] }]] } as never,
    { logWrite: (line) => logs.push(JSON.parse(line)) },
  )
  await gateway.listen({ port: 0, host: '127.0.0.1' })
})
afterAll(async () => {
  await gateway?.close()
})

const sdk = (apiKey = 'x') => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 })

describe('a WASM plugin serving every hook', () => {
  it('preAuth and policy see the request context (identity once authenticated) and set headers; response replaces a non-stream answer', async () => {
    const { data, response } = await sdk('vk-1').chat.completions.create({ model: 'mock-1', messages: user('hello') }).withResponse()
    expect(response.headers.get('x-probe-preauth')).toBe('/v1/chat/completions')
    expect(response.headers.get('x-probe-identity')).toBe('vk-1')
    expect(data.choices[0].message.content).toBe('[probed] Echo: hello')
    const anonymous = await sdk('nobody').chat.completions.create({ model: 'mock-1', messages: user('hi') }).withResponse()
    expect(anonymous.response.headers.get('x-probe-identity')).toBe('none')
  })

  it('policy may refuse; response may refuse a non-stream answer', async () => {
    const denied = (await sdk().chat.completions.create({ model: 'mock-1', messages: user('deny') }).catch((e: unknown) => e)) as APIError
    expect([denied.status, denied.type, denied.message]).toEqual([451, 'policy_forbidden', '451 Denied by the probe policy'])
    const withheld = (await sdk().chat.completions.create({ model: 'mock-1', messages: user('tell me a secret') }).catch((e: unknown) => e)) as APIError
    expect([withheld.status, withheld.type]).toEqual([502, 'policy_guardrail'])
  })

  it('response only observes a streamed answer (already sent), and postLog logs through the host', async () => {
    const stream = await sdk().chat.completions.create({ model: 'mock-1', stream: true, messages: user('stream a secret') })
    let text = ''
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
    expect(text).toBe('Echo: stream a secret')
    await expect.poll(() => logs.some((l) => l.msg === 'wasm plugin tried to change a streamed answer after it was sent; ignored')).toBe(true)
    await expect.poll(() => logs.filter((l) => l.msg === 'postLog saw status 200' && l.plugin === 'hooks-probe.wasm' && l.hook === 'postLog').length).toBeGreaterThanOrEqual(3)
  })
})
