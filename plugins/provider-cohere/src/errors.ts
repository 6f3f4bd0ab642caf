import { GatewayError } from '@sluice/sdk'
import type { UpstreamErrorInfo } from '@sluice/sdk'
import type { CohereErrorBody } from './types.js'

/**
 * Maps a Cohere error answer (`{ "id", "message" }` with the HTTP status) to our error types. A
 * refused key is our credential, not the caller's: 502 provider_authentication. 422 is Cohere's
 * "invalid request", 498 a deny-listed token in the prompt or answer: both 400
 * provider_bad_request.
 *
 * @example
 * error: (info) => mapCohereError(info, 'cohere')
 */
export function mapCohereError(info: UpstreamErrorInfo, provider: string): GatewayError {
  const body = info.body && typeof info.body === 'object' ? (info.body as CohereErrorBody) : undefined
  const text = typeof info.body === 'string' && info.body.trim() ? info.body.trim().slice(0, 300) : undefined
  const detail = typeof body?.message === 'string' ? body.message : text
  const status = info.status
  const message = `Provider "${provider}" answered ${status}${detail ? `: ${detail}` : ''}`
  if (status === 401 || status === 403) return new GatewayError(502, 'provider_authentication', `Provider "${provider}" refused the gateway's API key (${status})${detail ? `: ${detail}` : ''}`)
  if (status === 429) {
    const header = info.headers['retry-after']
    const wait = Array.isArray(header) ? header[0] : header
    return new GatewayError(429, 'provider_rate_limited', message, { headers: wait ? { 'retry-after': wait } : {} })
  }
  if (status === 404) return new GatewayError(404, 'provider_not_found', message)
  if (status === 408 || status === 504) return new GatewayError(504, 'provider_timeout', message)
  if (status === 503) return new GatewayError(503, 'provider_unavailable', message)
  if (status === 501) return new GatewayError(400, 'provider_unsupported', message)
  if (status === 422 || status === 498) return new GatewayError(400, 'provider_bad_request', message)
  // 402 is our account's billing, 499 a cancelled generation: neither is the caller's request.
  if (status >= 400 && status < 500 && status !== 402 && status !== 499) return new GatewayError(status, 'provider_bad_request', message)
  return new GatewayError(502, 'provider_error', message)
}
