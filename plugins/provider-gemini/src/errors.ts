import { GatewayError } from '@sluice/sdk'
import type { UpstreamErrorInfo } from '@sluice/sdk'
import type { GoogleErrorBody } from './types.js'

/** HTTP statuses of the google.rpc codes, for errors that carry only the code name. */
const RPC_STATUS: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ABORTED: 409,
  ALREADY_EXISTS: 409,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL: 500,
  UNKNOWN: 500,
  DATA_LOSS: 500,
  UNIMPLEMENTED: 501,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
}

/** Reasons Google gives, under a 400, for a key that is wrong rather than a request. */
const KEY_REASONS = new Set(['API_KEY_INVALID', 'API_KEY_SERVICE_BLOCKED', 'API_KEY_HTTP_REFERRER_BLOCKED', 'API_KEY_IP_ADDRESS_BLOCKED', 'API_KEY_ANDROID_APP_BLOCKED', 'API_KEY_IOS_APP_BLOCKED'])

/**
 * Maps a Google error (`{ error: { code, message, status, details } }`) to our error types, by
 * HTTP status and by the google.rpc status name (which is all a mid-stream error carries).
 * A refused key or service account is our credential, not the caller's: 502
 * provider_authentication. Gemini puts the wait of a 429 in a RetryInfo detail; it becomes
 * `retry-after`.
 *
 * @example
 * error: (info) => mapGoogleError(info, 'gemini')
 */
export function mapGoogleError(info: UpstreamErrorInfo, provider: string): GatewayError {
  const error = (info.body && typeof info.body === 'object' ? (info.body as GoogleErrorBody).error : undefined) ?? undefined
  const rpc = typeof error?.status === 'string' ? error.status : undefined
  const status = info.status >= 400 ? info.status : (RPC_STATUS[rpc ?? ''] ?? (typeof error?.code === 'number' ? error.code : 500))
  const detail = error?.message ?? (typeof info.body === 'string' && info.body.trim() ? info.body.trim().slice(0, 300) : undefined)
  const message = `Provider "${provider}" answered ${status}${rpc ? ` ${rpc}` : ''}${detail ? `: ${detail}` : ''}`
  const options = { code: rpc ?? null }
  const reasons = (error?.details ?? []).map((d) => d.reason)
  if (status === 401 || status === 403 || rpc === 'UNAUTHENTICATED' || rpc === 'PERMISSION_DENIED' || reasons.some((r) => r && KEY_REASONS.has(r)))
    return new GatewayError(502, 'provider_authentication', `Provider "${provider}" refused the gateway's credentials (${status}${rpc ? ` ${rpc}` : ''})`, options)
  if (status === 429 || rpc === 'RESOURCE_EXHAUSTED') {
    const wait = retryAfter(info, error?.details)
    return new GatewayError(429, 'provider_rate_limited', message, { ...options, headers: wait ? { 'retry-after': wait } : {} })
  }
  if (status === 404) return new GatewayError(404, 'provider_not_found', message, options)
  if (status === 408 || status === 504) return new GatewayError(504, 'provider_timeout', message, options)
  if (status === 503) return new GatewayError(503, 'provider_unavailable', message, options)
  if (status >= 500 || status === 499) return new GatewayError(502, 'provider_error', message, options)
  return new GatewayError(status >= 400 ? status : 502, status >= 400 ? 'provider_bad_request' : 'provider_error', message, options)
}

/** The upstream's wait, in whole seconds: its retry-after header, or a RetryInfo detail ("37s"). */
function retryAfter(info: UpstreamErrorInfo, details: NonNullable<GoogleErrorBody['error']>['details']): string | undefined {
  const header = info.headers['retry-after']
  if (header) return Array.isArray(header) ? header[0] : header
  const delay = details?.find((d) => String(d['@type'] ?? '').endsWith('google.rpc.RetryInfo'))?.retryDelay
  const seconds = typeof delay === 'string' ? Number.parseFloat(delay) : NaN
  return Number.isFinite(seconds) ? String(Math.max(1, Math.ceil(seconds))) : undefined
}

/** An error object inside a stream event, mapped like an error answer. */
export function streamError(body: GoogleErrorBody, provider: string): GatewayError {
  const mapped = mapGoogleError({ status: 0, body, headers: {} }, provider)
  return new GatewayError(mapped.status, mapped.type, mapped.message.replace(/^Provider "[^"]*" answered/, `Provider "${provider}" failed mid-stream with`), { code: mapped.code, headers: mapped.headers })
}
