import { GatewayError } from '@sluice/sdk'

/**
 * A request feature Gemini cannot honour: refused with a 400 naming the field, never dropped
 * (a silently ignored `parallel_tool_calls: false` or `logit_bias` changes what the caller gets).
 */
export function unsupported(provider: string, param: string, why: string): GatewayError {
  return new GatewayError(400, 'provider_unsupported', `Provider "${provider}" (Gemini) does not support \`${param}\`: ${why}`, { param })
}

/** The caller's request contradicts itself (e.g. a tool result without its call). */
export function invalid(param: string, message: string): GatewayError {
  return new GatewayError(400, 'caller_invalid_request', message, { param })
}
