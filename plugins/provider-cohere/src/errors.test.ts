import { describe, expect, it } from 'vitest'
import { mapCohereError } from './errors.js'

const answer = (status: number, message = 'nope', headers: Record<string, string> = {}) => mapCohereError({ status, body: { id: 'e1', message }, headers }, 'cohere')

describe('Cohere errors', () => {
  it('maps statuses to our types', () => {
    expect(answer(400, 'invalid request: messages must not be empty')).toMatchObject({ status: 400, type: 'provider_bad_request', message: 'Provider "cohere" answered 400: invalid request: messages must not be empty' })
    expect(answer(401, 'invalid api token')).toMatchObject({ status: 502, type: 'provider_authentication' })
    expect(answer(403)).toMatchObject({ status: 502, type: 'provider_authentication' })
    expect(answer(404)).toMatchObject({ status: 404, type: 'provider_not_found' })
    expect(answer(422)).toMatchObject({ status: 400, type: 'provider_bad_request' })
    expect(answer(429, 'trial key rate limit', { 'retry-after': '12' })).toMatchObject({ status: 429, type: 'provider_rate_limited', headers: { 'retry-after': '12' } })
    expect(answer(498)).toMatchObject({ status: 400, type: 'provider_bad_request' })
    expect(answer(499)).toMatchObject({ status: 502, type: 'provider_error' })
    expect(answer(500)).toMatchObject({ status: 502, type: 'provider_error' })
    expect(answer(501)).toMatchObject({ status: 400, type: 'provider_unsupported' })
    expect(answer(503)).toMatchObject({ status: 503, type: 'provider_unavailable' })
    expect(answer(504)).toMatchObject({ status: 504, type: 'provider_timeout' })
    expect(mapCohereError({ status: 502, body: 'Bad Gateway', headers: {} }, 'cohere').message).toBe('Provider "cohere" answered 502: Bad Gateway')
  })
})
