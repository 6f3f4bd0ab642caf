import { describe, expect, it } from 'vitest'
import { errorType, mapBedrockError } from './errors.js'

const answer = (status: number, type: string | undefined, message = 'nope', extra: Record<string, string> = {}) =>
  mapBedrockError({ status, body: { message }, headers: { ...(type ? { 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/` } : {}), ...extra } }, 'bedrock')

describe('Bedrock errors', () => {
  it('reads the type from x-amzn-errortype, __type or code', () => {
    expect(errorType({ status: 400, body: {}, headers: { 'x-amzn-errortype': 'ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/' } })).toBe('ValidationException')
    expect(errorType({ status: 400, body: { __type: 'com.amazon.coral.validate#ValidationException' }, headers: {} })).toBe('ValidationException')
    expect(errorType({ status: 400, body: 'text', headers: {} })).toBeUndefined()
  })

  it('maps the Bedrock exceptions to our types', () => {
    expect(answer(429, 'ThrottlingException', 'Too many requests', { 'retry-after': '3' })).toMatchObject({ status: 429, type: 'provider_rate_limited', code: 'ThrottlingException', headers: { 'retry-after': '3' } })
    expect(answer(400, 'ServiceQuotaExceededException')).toMatchObject({ status: 429, type: 'provider_rate_limited' })
    for (const type of ['AccessDeniedException', 'UnrecognizedClientException', 'ExpiredTokenException', 'InvalidSignatureException'])
      expect(answer(403, type), type).toMatchObject({ status: 502, type: 'provider_authentication' })
    expect(answer(400, 'ValidationException', 'The provided model identifier is invalid.')).toMatchObject({ status: 400, type: 'provider_bad_request', message: 'Provider "bedrock" answered 400 ValidationException: The provided model identifier is invalid.' })
    expect(answer(404, 'ResourceNotFoundException')).toMatchObject({ status: 404, type: 'provider_not_found' })
    expect(answer(429, 'ModelNotReadyException')).toMatchObject({ status: 503, type: 'provider_unavailable' })
    expect(answer(503, 'ServiceUnavailableException')).toMatchObject({ status: 503, type: 'provider_unavailable' })
    expect(answer(408, 'ModelTimeoutException')).toMatchObject({ status: 504, type: 'provider_timeout' })
    expect(answer(424, 'ModelErrorException')).toMatchObject({ status: 502, type: 'provider_error' })
    expect(answer(500, 'InternalServerException')).toMatchObject({ status: 502, type: 'provider_error' })
  })

  it('falls back on the status when the type is unknown or absent', () => {
    expect(answer(403, undefined)).toMatchObject({ status: 502, type: 'provider_authentication' })
    expect(answer(429, undefined)).toMatchObject({ status: 429, type: 'provider_rate_limited' })
    expect(answer(413, 'SomethingNewException')).toMatchObject({ status: 413, type: 'provider_bad_request' })
    expect(answer(502, undefined)).toMatchObject({ status: 502, type: 'provider_error' })
    expect(mapBedrockError({ status: 500, body: '<html>oops</html>', headers: {} }, 'bedrock').message).toBe('Provider "bedrock" answered 500: <html>oops</html>')
  })
})
