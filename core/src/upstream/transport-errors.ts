import { GatewayError, isGatewayError } from '@sluice/sdk'

/** Maps a failure of the HTTP exchange itself (no upstream answer) to a GatewayError. */
export function transportError(error: unknown, provider: string, signal: AbortSignal): GatewayError {
  if (isGatewayError(error)) return error
  if (signal.aborted) {
    const reason = signal.reason
    return isGatewayError(reason) ? reason : new GatewayError(499, 'caller_aborted', 'The client closed the request')
  }
  const code = (error as { code?: string } | null)?.code ?? ''
  switch (code) {
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new GatewayError(504, 'provider_timeout', `Provider "${provider}" did not answer in time`, { cause: error })
    case 'UND_ERR_BODY_TIMEOUT':
      return new GatewayError(504, 'provider_timeout', `Provider "${provider}" stopped sending in the middle of its answer`, { cause: error })
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new GatewayError(502, 'provider_unavailable', `Provider "${provider}" cannot be reached (${code})`, { cause: error })
    default:
      return new GatewayError(502, 'provider_error', `The connection to provider "${provider}" failed${code ? ` (${code})` : ''}`, { cause: error })
  }
}
