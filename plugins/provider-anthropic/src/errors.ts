import { GatewayError } from '@sluice/sdk'
import type { UpstreamErrorInfo } from '@sluice/sdk'
import { isObject } from './unsupported.js'

/** The HTTP status Anthropic documents for each error type (a stream's `error` event has none). */
const STATUS_OF_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
}

/**
 * Maps an Anthropic error answer (`{ type: 'error', error: { type, message }, request_id }`) to
 * our error types, keeping the upstream's message and error type (as `code`). A refused key or
 * an unpaid account (401/402/403) is the gateway's credential, not the caller's: a 502 that
 * takes the key out of rotation. Overloaded (529) is a 503; `retry-after` is kept.
 *
 * @example
 * error: (info) => mapAnthropicError(info, 'anthropic')
 */
export function mapAnthropicError(info: UpstreamErrorInfo, provider: string): GatewayError {
  const detail = describe(info.body)
  const retryAfter = header(info.headers, 'retry-after')
  const headers: Record<string, string> = retryAfter ? { 'retry-after': retryAfter } : {}
  return errorFor(info.status, detail, provider, headers, `answered ${info.status}`)
}

/** A stream's `error` event (its data is the same error body); the status comes from the type. */
export function streamError(data: unknown, provider: string): GatewayError {
  const detail = describe(data)
  const status = (detail.type && STATUS_OF_TYPE[detail.type]) || 500
  return errorFor(status, detail, provider, {}, 'failed mid-stream')
}

interface Detail {
  type?: string
  message?: string
  requestId?: string
}

/** `what` says what happened in the message: `answered 529`, `failed mid-stream`. */
function errorFor(status: number, detail: Detail, provider: string, headers: Record<string, string>, what: string): GatewayError {
  const type = detail.type ?? ''
  const said = detail.message ? `: ${detail.message}` : ''
  const request = detail.requestId ? ` (request id ${detail.requestId})` : ''
  const message = `Provider "${provider}" ${what}${said}${request}`
  const options = { code: detail.type ?? null, headers }
  if (status === 401 || status === 403 || type === 'authentication_error' || type === 'permission_error')
    return new GatewayError(502, 'provider_authentication', `Provider "${provider}" refused the gateway's credentials (${type || status})${request}`, options)
  if (status === 402 || type === 'billing_error') return new GatewayError(502, 'provider_authentication', `Provider "${provider}" refused the gateway's account for billing${said}${request}`, options)
  if (status === 429 || type === 'rate_limit_error') return new GatewayError(429, 'provider_rate_limited', message, options)
  if (status === 529 || status === 503 || type === 'overloaded_error') return new GatewayError(503, 'provider_unavailable', message, options)
  if (status === 504 || status === 408 || type === 'timeout_error') return new GatewayError(504, 'provider_timeout', message, options)
  if (status === 404 || type === 'not_found_error') return new GatewayError(404, 'provider_not_found', message, options)
  if (status === 413 || type === 'request_too_large') return new GatewayError(413, 'provider_bad_request', message, options)
  if (status >= 500) return new GatewayError(502, 'provider_error', message, options)
  if (status >= 400) return new GatewayError(status === 422 ? 400 : status, 'provider_bad_request', message, options)
  return new GatewayError(502, 'provider_error', message, options)
}

function describe(body: unknown): Detail {
  if (typeof body === 'string') {
    const text = body.trim()
    if (!text) return {}
    try {
      return describe(JSON.parse(text))
    } catch {
      return { message: text.slice(0, 300) }
    }
  }
  if (!isObject(body)) return {}
  const requestId = typeof body.request_id === 'string' ? body.request_id : undefined
  const error = body.error
  if (isObject(error))
    return { type: typeof error.type === 'string' ? error.type : undefined, message: typeof error.message === 'string' ? error.message : undefined, requestId }
  return { message: typeof body.message === 'string' ? body.message : undefined, requestId }
}

function header(headers: UpstreamErrorInfo['headers'], name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}
