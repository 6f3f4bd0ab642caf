/**
 * Stable error types, prefixed by fault domain:
 * `caller_*` (the request or key is wrong), `policy_*` (refused by a rule),
 * `provider_*` (the upstream failed), `gateway_*` (our own fault).
 */
export type ErrorType =
  | 'caller_invalid_json'
  | 'caller_invalid_request'
  | 'caller_model_not_found'
  | 'caller_not_found'
  | 'caller_method_not_allowed'
  | 'caller_payload_too_large'
  | 'caller_unsupported_media_type'
  | 'caller_unauthorized'
  | 'caller_aborted'
  | 'policy_forbidden'
  | 'policy_model_not_allowed'
  | 'policy_budget_exceeded'
  | 'policy_rate_limited'
  | 'policy_guardrail'
  | 'provider_bad_request'
  | 'provider_authentication'
  | 'provider_not_found'
  | 'provider_rate_limited'
  | 'provider_error'
  | 'provider_unavailable'
  | 'provider_timeout'
  | 'provider_invalid_response'
  | 'provider_unsupported'
  | 'gateway_plugin_error'
  | 'gateway_overloaded'
  | 'gateway_shutting_down'
  | 'gateway_internal'
  | (string & {})

export interface GatewayErrorOptions {
  /** A short machine code, e.g. the upstream's own error code. */
  code?: string | null
  /** The request field at fault, e.g. `model` or `messages[2].content`. */
  param?: string | null
  /** Response headers to send with the error (e.g. `retry-after`). */
  headers?: Record<string, string>
  cause?: unknown
}

/**
 * The one way to refuse a request or report a failure. The front door renders it in the
 * wire format of the route (OpenAI or Anthropic error JSON) with `status`.
 *
 * @example
 * throw new GatewayError(403, 'policy_guardrail', 'The prompt names a restricted project')
 */
export class GatewayError extends Error {
  override readonly name = 'GatewayError'
  readonly status: number
  readonly type: ErrorType
  readonly code: string | null
  readonly param: string | null
  readonly headers: Record<string, string>

  constructor(status: number, type: ErrorType, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.status = status
    this.type = type
    this.code = options.code ?? null
    this.param = options.param ?? null
    this.headers = options.headers ?? {}
  }

  /** The OpenAI error body: `{ error: { message, type, code, param } }`. */
  toJSON(): { error: { message: string; type: string; code: string | null; param: string | null } } {
    return { error: { message: this.message, type: this.type, code: this.code, param: this.param } }
  }
}

/** True for a GatewayError, also across duplicated copies of the SDK (checked by shape). */
export function isGatewayError(value: unknown): value is GatewayError {
  if (value instanceof GatewayError) return true
  const v = value as Partial<GatewayError> | null
  return !!v && typeof v === 'object' && v.name === 'GatewayError' && typeof v.status === 'number' && typeof v.type === 'string'
}
