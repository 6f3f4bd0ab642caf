import { GatewayError } from '@sluice/sdk'

/** A Gemini request the front door cannot read: a 400 naming the field. */
export function invalid(param: string, message: string): GatewayError {
  return new GatewayError(400, 'caller_invalid_request', message.includes(param) ? message : `${param}: ${message}`, { param })
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value)
}
