import { GatewayError } from '@sluice/sdk'
import type { UpstreamErrorInfo } from '@sluice/sdk'

/**
 * Maps an OpenAI-style error answer (`{ error: { message, type, code, param } }`) to our error
 * types, keeping the upstream's message. A 401/403 means our provider key is wrong, not the
 * caller's: it becomes a 502 so clients do not think their own key was refused.
 *
 * @example
 * error: (info) => mapOpenAIError(info, 'groq')
 */
export function mapOpenAIError(info: UpstreamErrorInfo, provider: string): GatewayError {
  const { status } = info
  const detail = describe(info.body)
  const message = `Provider "${provider}" answered ${status}${detail.message ? `: ${detail.message}` : ''}`
  const options = { code: detail.code, param: detail.param }
  const retryAfter = header(info.headers, 'retry-after')
  if (status === 401 || status === 403) return new GatewayError(502, 'provider_authentication', `Provider "${provider}" refused the gateway's credentials (${status})`, options)
  if (status === 404) return new GatewayError(404, 'provider_not_found', message, options)
  if (status === 408) return new GatewayError(504, 'provider_timeout', message, options)
  if (status === 429) return new GatewayError(429, 'provider_rate_limited', message, { ...options, headers: retryAfter ? { 'retry-after': retryAfter } : {} })
  if (status === 503) return new GatewayError(503, 'provider_unavailable', message, options)
  if (status >= 500) return new GatewayError(502, 'provider_error', message, options)
  if (status >= 400) return new GatewayError(status === 422 ? 400 : status, 'provider_bad_request', message, options)
  return new GatewayError(502, 'provider_error', message, options)
}

function describe(body: unknown): { message?: string; code: string | null; param: string | null } {
  if (body && typeof body === 'object') {
    const error = (body as { error?: unknown }).error
    if (error && typeof error === 'object') {
      const e = error as { message?: unknown; code?: unknown; param?: unknown }
      return {
        message: typeof e.message === 'string' ? e.message : undefined,
        code: typeof e.code === 'string' ? e.code : typeof e.code === 'number' ? String(e.code) : null,
        param: typeof e.param === 'string' ? e.param : null,
      }
    }
    if (typeof error === 'string') return { message: error, code: null, param: null }
    const m = (body as { message?: unknown }).message
    if (typeof m === 'string') return { message: m, code: null, param: null }
  }
  if (typeof body === 'string' && body.trim()) return { message: body.trim().slice(0, 300), code: null, param: null }
  return { code: null, param: null }
}

function header(headers: UpstreamErrorInfo['headers'], name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}
