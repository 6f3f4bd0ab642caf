import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Anthropic from '@anthropic-ai/sdk'
import { createGateway } from '@sluice/core'
import type { Gateway } from '@sluice/core'
import { startMockAnthropic } from './helpers/mock-anthropic.js'
import type { MockAnthropic } from './helpers/mock-anthropic.js'

// Errors on /anthropic routes come back in Anthropic's shape ({ type: 'error', error: { type,
// message } }), so the official SDK raises the right error class, whichever side failed.

const MODEL = 'claude-opus-4-6'

let upstream: MockAnthropic
let gateway: Gateway
let client: Anthropic

beforeAll(async () => {
  upstream = await startMockAnthropic()
  gateway = await createGateway(
    {
      server: { bodyLimit: 16 * 1024 },
      plugins: [
        // One instance per failure kind: a 401 takes a key out and a 429 rests it.
        ['@sluice/provider-anthropic', { id: 'anthropic', baseURL: upstream.url, keys: [{ value: 'sk-ant-a' }], models: [MODEL] }],
        ['@sluice/provider-anthropic', { id: 'locked', baseURL: upstream.url, keys: [{ value: 'sk-ant-b' }], models: ['locked-model'] }],
        ['@sluice/provider-anthropic', { id: 'limited', baseURL: upstream.url, keys: [{ value: 'sk-ant-c' }], models: ['limited-model'] }],
        ['@sluice/mock-provider', { models: ['mock-1'] }],
      ],
      routing: { retry: { attempts: 1 }, circuit: { failureThreshold: 1000, cooldownMs: 1000 } },
    },
    { logWrite: () => {} },
  )
  await gateway.listen({ port: 0, host: '127.0.0.1' })
  client = new Anthropic({ baseURL: `${gateway.url}/anthropic`, apiKey: 'client-key', maxRetries: 0 })
})

afterAll(async () => {
  await gateway?.close()
  await upstream?.close()
})

const ask = (content: string, model = MODEL) => client.messages.create({ model, max_tokens: 50, messages: [{ role: 'user', content }] }).then(() => undefined, (e: unknown) => e as InstanceType<typeof Anthropic.APIError>)

async function raw(path: string, init: RequestInit = {}) {
  const res = await fetch(`${gateway.url}/anthropic${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'client-key' }, ...init })
  return { status: res.status, json: (await res.json()) as Record<string, any> }
}

describe('Anthropic-shaped errors on /anthropic', () => {
  it('an overloaded upstream (529) is a 503 overloaded_error', async () => {
    const error = await ask('error:529')
    expect(error).toBeInstanceOf(Anthropic.InternalServerError)
    expect(error?.status).toBe(503)
    expect(error?.error).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Provider "anthropic" answered 529: upstream refused with 529 (request id req_mock01)' } })
  })

  it('an upstream rate limit is a RateLimitError with retry-after', async () => {
    const error = await ask('error:429', 'limited-model')
    expect(error).toBeInstanceOf(Anthropic.RateLimitError)
    expect(error?.headers?.get('retry-after')).toBe('7')
    expect((error?.error as { error: { type: string } }).error.type).toBe('rate_limit_error')
  })

  it('a refused gateway key is a 502 api_error, not the caller’s authentication error', async () => {
    const error = await ask('error:401', 'locked-model')
    expect(error).toBeInstanceOf(Anthropic.InternalServerError)
    expect(error?.status).toBe(502)
    expect((error?.error as { error: { type: string; message: string } }).error).toMatchObject({ type: 'api_error', message: expect.stringContaining('refused the gateway') })
  })

  it('an upstream invalid request is a BadRequestError', async () => {
    expect(await ask('error:400')).toBeInstanceOf(Anthropic.BadRequestError)
  })

  it('an unknown model is a NotFoundError', async () => {
    const error = await ask('hi', 'no-such-model')
    expect(error).toBeInstanceOf(Anthropic.NotFoundError)
    expect((error?.error as { error: { type: string } }).error.type).toBe('not_found_error')
  })

  it('a request the front door cannot read is a 400 invalid_request_error naming the field', async () => {
    const missing = await raw('/v1/messages', { body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }) })
    expect(missing).toEqual({ status: 400, json: { type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: Field required' } } })
    const badJson = await raw('/v1/messages', { body: '{"model":' })
    expect(badJson.status).toBe(400)
    expect(badJson.json.error.type).toBe('invalid_request_error')
    const error = await client.messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'robot' as 'user', content: 'x' }] }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Anthropic.BadRequestError)
  })

  it('a body over the limit is a 413 request_too_large', async () => {
    const big = await raw('/v1/messages', { body: JSON.stringify({ model: MODEL, max_tokens: 5, messages: [{ role: 'user', content: 'x'.repeat(20_000) }] }) })
    expect(big.status).toBe(413)
    expect(big.json.error.type).toBe('request_too_large')
  })

  it('a wrong method or path under /anthropic answers in Anthropic’s shape', async () => {
    const get = await fetch(`${gateway.url}/anthropic/v1/messages`)
    expect(get.status).toBe(405)
    expect(((await get.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error')
    const nowhere = await raw('/v1/complete', { body: '{}' })
    expect(nowhere).toMatchObject({ status: 404, json: { type: 'error', error: { type: 'not_found_error' } } })
  })

  it('a mid-stream upstream error reaches the SDK as an error event', async () => {
    const stream = client.messages.stream({ model: MODEL, max_tokens: 50, messages: [{ role: 'user', content: 'midstream' }] })
    const error = await stream.finalMessage().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Anthropic.APIError)
    expect(String((error as Error).message)).toContain('overloaded_error')
  })

  it('a translated provider failing mid-request answers in Anthropic’s shape too', async () => {
    const error = await ask('mock:error:503', 'mock-1')
    expect(error?.status).toBe(503)
    expect((error?.error as { error: { type: string } }).error.type).toBe('overloaded_error')
  })

  it('count_tokens refuses an unknown model and a bad body', async () => {
    expect(await client.messages.countTokens({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e)).toBeInstanceOf(Anthropic.NotFoundError)
    expect(await raw('/v1/messages/count_tokens', { body: JSON.stringify({ model: MODEL }) })).toEqual({ status: 400, json: { type: 'error', error: { type: 'invalid_request_error', message: 'messages: Field required' } } })
  })
})
