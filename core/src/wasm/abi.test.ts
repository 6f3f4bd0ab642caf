import { describe, expect, it } from 'vitest'
import { RequestContext } from '@sluice/sdk/runtime'
import { AbiError, decodeOutput, encodeInput } from './abi.ts'

const bytes = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value))

describe('WASM ABI', () => {
  it('shows the request and read-only context, without credentials', () => {
    const ctx = new RequestContext({
      id: 'req-1',
      operation: 'chat',
      format: 'openai',
      path: '/v1/chat/completions',
      headers: { authorization: 'Bearer sk-secret', 'x-api-key': 'k', cookie: 'c', 'x-session-token': 't', 'user-agent': 'ua', 'x-team': 'blue' },
      body: { model: 'm', messages: [{ role: 'user', content: 'hi' }] },
    })
    ctx.authenticate({ id: 'vk-1', team: 'red', secretThing: 'never' })
    const input = JSON.parse(encodeInput('preRequest', ctx))
    expect(input).toEqual({
      hook: 'preRequest',
      context: { requestId: 'req-1', operation: 'chat', format: 'openai', path: '/v1/chat/completions', model: 'm', stream: false, identity: { id: 'vk-1', team: 'red' }, headers: { 'user-agent': 'ua', 'x-team': 'blue' } },
      texts: ['hi'],
      request: { model: 'm', messages: [{ role: 'user', content: 'hi' }] },
    })
    expect(JSON.stringify(input)).not.toMatch(/sk-secret|never/)
  })

  it('keeps credentials out of every hook\'s input: proxy identity assertions, the query key, the record\'s identity', () => {
    const headers = { 'cf-access-jwt-assertion': 'eyJ.cf', 'x-goog-iap-jwt-assertion': 'eyJ.iap', 'x-amzn-oidc-data': 'eyJ.alb', 'x-client-credential': 'c', 'x-request-signature': 's', 'user-agent': 'ua' }
    const ctx = new RequestContext({ id: 'r', operation: 'chat', format: 'gemini', path: '/genai/v1beta/models/m:generateContent?key=AIza-secret', headers, body: { model: 'm', messages: [{ role: 'user', content: 'hi' }] } })
    ctx.authenticate({ id: 'vk-1', team: 'red', upstreamToken: 'never' })
    const record = { id: 'r', path: ctx.request.path, status: 200, identity: ctx.identity, attempts: [] } as never
    for (const hook of ['preAuth', 'policy', 'preRequest', 'response', 'postLog'] as const) {
      const input = JSON.parse(encodeInput(hook, ctx, { response: {}, record }))
      expect(input.context.headers, hook).toEqual({ 'user-agent': 'ua' })
      expect(input.context.path, hook).toBe('/genai/v1beta/models/m:generateContent')
      expect(JSON.stringify(input), hook).not.toMatch(/eyJ|AIza|never/)
    }
    expect(JSON.parse(encodeInput('postLog', ctx, { record })).record).toMatchObject({ status: 200, identity: { id: 'vk-1', team: 'red' } })
  })

  it('reads continue, modify and refuse; empty output continues', () => {
    expect(decodeOutput(null, 'preRequest')).toEqual({ action: 'continue' })
    expect(decodeOutput(bytes({ action: 'continue', headers: { 'X-Tag': 'a' } }), 'policy')).toEqual({ action: 'continue', headers: { 'x-tag': 'a' } })
    expect(decodeOutput(bytes({ action: 'continue', headers: { 'x-sluice-tags': 'city=Zürich\tteam=blue' } }), 'policy')).toEqual({ action: 'continue', headers: { 'x-sluice-tags': 'city=Zürich\tteam=blue' } })
    expect(decodeOutput(bytes({ action: 'modify', request: { model: 'm', messages: [] } }), 'preRequest')).toMatchObject({ action: 'modify', request: { model: 'm' } })
    expect(decodeOutput(bytes({ action: 'modify', response: { choices: [] } }), 'response')).toMatchObject({ action: 'modify' })
    expect(decodeOutput(bytes({ action: 'refuse', status: 451, type: 'policy_guardrail', message: 'no' }), 'preRequest')).toEqual({ action: 'refuse', status: 451, type: 'policy_guardrail', message: 'no' })
    expect(decodeOutput(bytes({ action: 'refuse' }), 'policy')).toEqual({ action: 'refuse', status: 403, type: 'policy_forbidden', message: 'Refused by a plugin' })
  })

  it('rejects output that breaks the ABI, saying how', () => {
    const bad: [unknown, string, RegExp][] = [
      ['not json', 'preRequest', /not JSON/],
      [[1, 2], 'preRequest', /JSON object/],
      [{ action: 'explode' }, 'preRequest', /unknown action/],
      [{ action: 'modify', request: { model: 'm' } }, 'preRequest', /"messages"/],
      [{ action: 'modify', request: { model: 'm', messages: [] } }, 'policy', /not allowed in policy/],
      [{ action: 'refuse', status: 200 }, 'preRequest', /400 to 599/],
      [{ action: 'refuse', type: 'Bad Type' }, 'preRequest', /snake_case/],
      [{ action: 'continue', headers: { 'x-request-id': 'forged' } }, 'preRequest', /may not be set/],
      [{ action: 'continue', headers: { 'x-a': 'line\r\nbreak' } }, 'preRequest', /one-line/],
      // Node refuses these when the answer is written: the request would never be answered.
      [{ action: 'continue', headers: { 'x-a': '東京' } }, 'preRequest', /Latin-1/],
      [{ action: 'continue', headers: { 'x-a': 'nul\u0000' } }, 'preRequest', /control characters/],
      [{ action: 'continue', headers: { 'X-Accel-Redirect': '/internal/secrets' } }, 'preRequest', /proxy acts on/],
      [{ action: 'continue', headers: { 'x-accel-buffering': 'yes' } }, 'preRequest', /may not be set/],
      [{ action: 'continue', headers: { 'x-forwarded-for': '10.0.0.1' } }, 'preRequest', /may not be set/],
      [{ action: 'continue', headers: { 'x-sluice-cache': 'hit-exact' } }, 'preRequest', /may not be set/],
      [{ action: 'continue', headers: { 'set-cookie': 'a=b' } }, 'preRequest', /may not be set/],
      [{ action: 'continue', headers: { 'content-length': '0' } }, 'preRequest', /may not be set/],
    ]
    for (const [output, hook, message] of bad) expect(() => decodeOutput(bytes(output as never), hook as never)).toThrow(message)
    expect(() => decodeOutput(Uint8Array.from([0xff, 0xfe]), 'preRequest')).toThrow(AbiError)
  })
})
