import { GatewayError, isGatewayError } from '@sluice/sdk'

/**
 * Maps a failure met while talking to an upstream (before or during its answer) to a
 * GatewayError: refusals pass through, a client abort stays a client abort, network errors
 * become provider_* errors. Returns undefined for anything else (a bug of ours).
 */
export function upstreamFailure(error: unknown, provider: string, signal: AbortSignal): GatewayError | undefined {
  if (isGatewayError(error)) return error
  if (signal.aborted) {
    const reason: unknown = signal.reason
    return isGatewayError(reason) ? reason : new GatewayError(499, 'caller_aborted', 'The client closed the request')
  }
  const code = String((error as { code?: unknown } | null)?.code ?? '')
  switch (code) {
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new GatewayError(504, 'provider_timeout', `Provider "${provider}" did not answer in time`, { cause: error })
    case 'UND_ERR_BODY_TIMEOUT':
      return new GatewayError(504, 'provider_timeout', `Provider "${provider}" stopped sending in the middle of its answer`, { cause: error })
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new GatewayError(502, 'provider_unavailable', `Provider "${provider}" cannot be reached (${code})`, { cause: error })
  }
  if (code.startsWith('UND_ERR') || /^E[A-Z]+$/.test(code))
    return new GatewayError(502, 'provider_error', `The connection to provider "${provider}" failed (${code})`, { cause: error })
  return undefined
}
