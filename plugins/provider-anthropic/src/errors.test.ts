import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { mapAnthropicError } from './errors.js'

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'))

describe('Anthropic errors', () => {
  const map = (status: number, body: unknown, headers: Record<string, string> = {}) => mapAnthropicError({ status, body, headers }, 'anthropic')

  it('maps 529 overloaded_error to a 503 provider_unavailable', () => {
    const e = map(529, fixture('error-overloaded.json'))
    expect(e).toMatchObject({ status: 503, type: 'provider_unavailable', code: 'overloaded_error' })
    expect(e.message).toBe('Provider "anthropic" answered 529: Overloaded (request id req_011CSHoEeqs5C35K2UUqR7Fy)')
  })

  it('keeps retry-after on a 429', () => {
    expect(map(429, fixture('error-rate-limit.json'), { 'retry-after': '17' })).toMatchObject({ status: 429, type: 'provider_rate_limited', code: 'rate_limit_error', headers: { 'retry-after': '17' } })
  })

  it('reports a refused key as the gateway credential (502), never the caller', () => {
    for (const [status, type] of [[401, 'authentication_error'], [403, 'permission_error'], [402, 'billing_error']] as const)
      expect(map(status, { type: 'error', error: { type, message: 'invalid x-api-key' } })).toMatchObject({ status: 502, type: 'provider_authentication' })
  })

  it.each([
    [400, 'error-invalid-request.json', 400, 'provider_bad_request'],
    [404, { type: 'error', error: { type: 'not_found_error', message: 'model: claude-x' } }, 404, 'provider_not_found'],
    [413, { type: 'error', error: { type: 'request_too_large', message: 'too big' } }, 413, 'provider_bad_request'],
    [500, { type: 'error', error: { type: 'api_error', message: 'Internal server error' } }, 502, 'provider_error'],
    [504, { type: 'error', error: { type: 'timeout_error', message: 'timed out' } }, 504, 'provider_timeout'],
    [502, '<html>Bad gateway</html>', 502, 'provider_error'],
  ] as const)('maps %i to our status and type', (status, body, ours, type) => {
    expect(map(status, typeof body === 'string' && body.endsWith('.json') ? fixture(body) : body)).toMatchObject({ status: ours, type })
  })
})
