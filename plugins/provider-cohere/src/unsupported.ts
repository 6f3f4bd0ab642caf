import { GatewayError } from '@sluice/sdk'

/**
 * A request feature Cohere cannot honour: refused with a 400 naming the field, never dropped
 * (a silently ignored `n: 3` or `parallel_tool_calls: false` changes what the caller gets).
 */
export function unsupported(provider: string, param: string, why: string): GatewayError {
  return new GatewayError(400, 'provider_unsupported', `Provider "${provider}" (Cohere) does not support \`${param}\`: ${why}`, { param })
}

/** The caller's request contradicts itself (e.g. a tool_choice naming no given tool). */
export function invalid(param: string, message: string): GatewayError {
  return new GatewayError(400, 'caller_invalid_request', message, { param })
}
