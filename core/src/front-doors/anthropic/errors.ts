import { GatewayError } from '@sluice/sdk'

/** Anthropic's error type for each HTTP status, as its API documents them. */
const TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  502: 'api_error',
  503: 'overloaded_error',
  504: 'timeout_error',
  529: 'overloaded_error',
}

/** Other 4xx are `invalid_request_error` (as Anthropic does), other 5xx `api_error`. */
export function anthropicErrorType(status: number): string {
  return TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error')
}

/** A GatewayError in Anthropic's shape: `{ type: 'error', error: { type, message } }`. */
export function anthropicError(error: GatewayError): { type: 'error'; error: { type: string; message: string } } {
  return { type: 'error', error: { type: anthropicErrorType(error.status), message: error.message } }
}

/** An Anthropic request the front door cannot read: a 400 naming the field (Anthropic's dotted path). */
export function invalid(param: string, message: string): GatewayError {
  return new GatewayError(400, 'caller_invalid_request', message.startsWith(param) ? message : `${param}: ${message}`, { param })
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value)
}
