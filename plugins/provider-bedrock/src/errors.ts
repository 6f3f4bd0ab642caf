import { GatewayError } from '@sluice/sdk'
import type { UpstreamErrorInfo } from '@sluice/sdk'
import type { BedrockErrorBody } from './types.js'

/** Our credentials were refused: the key is wrong, expired, or not allowed to call the model. */
const AUTH = new Set([
  'AccessDeniedException', 'UnrecognizedClientException', 'ExpiredTokenException', 'InvalidSignatureException',
  'IncompleteSignatureException', 'MissingAuthenticationTokenException', 'InvalidClientTokenId', 'SignatureDoesNotMatch',
  'ExpiredToken', 'InvalidAccessKeyId',
])

const BY_TYPE: Record<string, [number, string]> = {
  ThrottlingException: [429, 'provider_rate_limited'],
  // "Your request exceeds the service quota for your account … resubmit later" (sent as a 400).
  ServiceQuotaExceededException: [429, 'provider_rate_limited'],
  TooManyRequestsException: [429, 'provider_rate_limited'],
  ValidationException: [400, 'provider_bad_request'],
  ConflictException: [400, 'provider_bad_request'],
  ResourceNotFoundException: [404, 'provider_not_found'],
  ModelNotReadyException: [503, 'provider_unavailable'],
  ServiceUnavailableException: [503, 'provider_unavailable'],
  ModelTimeoutException: [504, 'provider_timeout'],
  InternalServerException: [502, 'provider_error'],
  InternalFailure: [502, 'provider_error'],
  ModelErrorException: [502, 'provider_error'],
  ModelStreamErrorException: [502, 'provider_error'],
}

/**
 * The AWS error type of an answer: the `x-amzn-errortype` header
 * (`ValidationException:http://internal.amazon.com/coral/…`) or the body's `__type`
 * (`com.amazon.coral.validate#ValidationException`), or `code`.
 */
export function errorType(info: UpstreamErrorInfo): string | undefined {
  const header = info.headers['x-amzn-errortype']
  const raw = (Array.isArray(header) ? header[0] : header) ?? bodyOf(info)?.__type ?? (bodyOf(info) as { code?: unknown } | undefined)?.code
  if (typeof raw !== 'string' || !raw) return undefined
  return raw.split(':')[0].split('#').at(-1) || undefined
}

function bodyOf(info: UpstreamErrorInfo): BedrockErrorBody | undefined {
  return info.body && typeof info.body === 'object' ? (info.body as BedrockErrorBody) : undefined
}

/**
 * Maps a Bedrock error answer (status, `x-amzn-errortype`, `{ "message" }`) to our error types:
 * throttling and quota → 429 provider_rate_limited, refused credentials → 502
 * provider_authentication (our key, not the caller's), ValidationException → 400
 * provider_bad_request, a model not ready or the service down → 503, a model timeout → 504.
 * Unknown types fall back on the HTTP status.
 *
 * @example
 * error: (info) => mapBedrockError(info, 'bedrock')
 */
export function mapBedrockError(info: UpstreamErrorInfo, provider: string): GatewayError {
  const type = errorType(info)
  const body = bodyOf(info)
  const text = typeof info.body === 'string' && info.body.trim() ? info.body.trim().slice(0, 300) : undefined
  const detail = body?.message ?? body?.Message ?? body?.originalMessage ?? text
  const status = info.status
  // Mid-stream exceptions come without a status.
  const what = [status || undefined, type].filter(Boolean).join(' ')
  const message = `Provider "${provider}" answered ${what || 'an error'}${detail ? `: ${detail}` : ''}`
  const options = { code: type ?? null }
  if ((type && AUTH.has(type)) || (!type && (status === 401 || status === 403)))
    return new GatewayError(502, 'provider_authentication', `Provider "${provider}" refused the gateway's AWS credentials (${what})${detail ? `: ${detail}` : ''}`, options)
  const known = type ? BY_TYPE[type] : undefined
  if (known) return new GatewayError(known[0], known[1], message, { ...options, headers: known[0] === 429 ? retryAfter(info) : {} })
  if (status === 429) return new GatewayError(429, 'provider_rate_limited', message, { ...options, headers: retryAfter(info) })
  if (status === 404) return new GatewayError(404, 'provider_not_found', message, options)
  if (status === 408 || status === 504) return new GatewayError(504, 'provider_timeout', message, options)
  if (status === 503) return new GatewayError(503, 'provider_unavailable', message, options)
  if (status >= 400 && status < 500) return new GatewayError(status, 'provider_bad_request', message, options)
  return new GatewayError(502, 'provider_error', message, options)
}

function retryAfter(info: UpstreamErrorInfo): Record<string, string> {
  const header = info.headers['retry-after']
  const value = Array.isArray(header) ? header[0] : header
  return value ? { 'retry-after': value } : {}
}

/**
 * An exception frame inside a ConverseStream answer (`:exception-type` names the union member,
 * `throttlingException` …; an unmodeled `:message-type: error` carries `:error-code`), mapped like
 * an error answer.
 */
export function streamException(type: string, payload: unknown, provider: string): GatewayError {
  const name = type ? type[0].toUpperCase() + type.slice(1) : 'InternalServerException'
  const mapped = mapBedrockError({ status: 0, body: payload, headers: { 'x-amzn-errortype': name } }, provider)
  const message = mapped.message.replace(/^Provider "[^"]*" (answered|refused)/, (_, verb: string) => `Provider "${provider}" ${verb === 'answered' ? 'failed mid-stream with' : 'refused'}`)
  return new GatewayError(mapped.status, mapped.type, message, { code: mapped.code, headers: mapped.headers })
}
