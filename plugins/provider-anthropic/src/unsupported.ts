import { GatewayError } from '@sluice/sdk'

/**
 * A request feature Anthropic cannot honour: refused with a 400 naming the field, never dropped
 * (a silently ignored `n: 3` or `logprobs: true` changes what the caller gets).
 */
export function unsupported(provider: string, param: string, why: string): GatewayError {
  return new GatewayError(400, 'provider_unsupported', `Provider "${provider}" (Anthropic) does not support \`${param}\`: ${why}`, { param })
}

/** The caller's request cannot be read (e.g. tool-call arguments that are not a JSON object). */
export function invalid(param: string, message: string): GatewayError {
  return new GatewayError(400, 'caller_invalid_request', message, { param })
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value)
}
