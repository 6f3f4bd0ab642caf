import type { GatewayError } from '@sluice/sdk'

/** google.rpc status names for HTTP statuses, as Google APIs report them. */
const RPC_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  402: 'RESOURCE_EXHAUSTED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  405: 'INVALID_ARGUMENT',
  408: 'DEADLINE_EXCEEDED',
  409: 'ABORTED',
  413: 'INVALID_ARGUMENT',
  415: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
}

export function rpcStatus(status: number): string {
  return RPC_NAMES[status] ?? (status >= 500 ? 'INTERNAL' : status >= 400 ? 'FAILED_PRECONDITION' : 'UNKNOWN')
}

/**
 * A GatewayError in Google's error shape. Our stable error type travels as an ErrorInfo detail
 * (reason, domain), the way Google APIs name the cause of an error.
 */
export function googleError(error: GatewayError): { error: { code: number; message: string; status: string; details: Record<string, unknown>[] } } {
  const metadata: Record<string, string> = {}
  if (error.param) metadata.param = error.param
  if (error.code) metadata.code = error.code
  return {
    error: {
      code: error.status,
      message: error.message,
      status: rpcStatus(error.status),
      details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: error.type, domain: 'sluice', ...(Object.keys(metadata).length ? { metadata } : {}) }],
    },
  }
}
