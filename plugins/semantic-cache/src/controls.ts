import { GatewayError } from '@sluice/sdk'
import type { GatewayRequest } from '@sluice/sdk'

export const CACHE_HEADER = 'x-sluice-cache'
export const TTL_HEADER = 'x-sluice-cache-ttl'
export const THRESHOLD_HEADER = 'x-sluice-cache-threshold'

/** What the client asked of the cache for this request, validated. */
export interface RequestControls {
  /** Look the answer up (false with `no-cache`). */
  lookup: boolean
  /** Store the answer (false with `no-store`). */
  store: boolean
  ttlSeconds: number
  threshold: number
  /** The client's own partition within its identity. */
  namespace: string | undefined
}

const NUMBER = /^\d+(\.\d+)?$/
const NAMESPACE = /^[A-Za-z0-9._:@/+=-]{1,128}$/

function header(request: GatewayRequest, name: string): string | undefined {
  const value = request.headers[name]
  return Array.isArray(value) ? value.join(',') : value
}

const bad = (name: string, problem: string) => new GatewayError(400, 'caller_invalid_request', `Invalid ${name} header: ${problem}`, { code: 'invalid_cache_header', param: name })

/**
 * Reads the cache headers: `x-sluice-cache: no-cache | no-store` (both, comma-separated, allowed),
 * `x-sluice-cache-ttl: <seconds>` (up to the configured maximum), `x-sluice-cache-threshold: <0..1>`
 * and the namespace header. A bad value is a 400 in the route's wire format.
 */
export function readControls(
  request: GatewayRequest,
  defaults: { ttlSeconds: number; maxTtlSeconds: number; threshold: number; namespaceHeader: string | false },
): RequestControls {
  const controls: RequestControls = { lookup: true, store: true, ttlSeconds: defaults.ttlSeconds, threshold: defaults.threshold, namespace: undefined }
  const mode = header(request, CACHE_HEADER)
  if (mode !== undefined) {
    const tokens = mode.split(',').map((t) => t.trim().toLowerCase())
    for (const token of tokens) {
      if (token === 'no-cache') controls.lookup = false
      else if (token === 'no-store') controls.store = false
      else throw bad(CACHE_HEADER, 'expected no-cache, no-store, or both comma-separated')
    }
  }
  const ttl = header(request, TTL_HEADER)?.trim()
  if (ttl !== undefined) {
    const seconds = Number(ttl)
    if (!NUMBER.test(ttl) || !(seconds > 0) || seconds > defaults.maxTtlSeconds)
      throw bad(TTL_HEADER, `expected seconds, more than 0 and at most ${defaults.maxTtlSeconds}`)
    controls.ttlSeconds = seconds
  }
  const threshold = header(request, THRESHOLD_HEADER)?.trim()
  if (threshold !== undefined) {
    const value = Number(threshold)
    if (!NUMBER.test(threshold) || !(value > 0) || value > 1) throw bad(THRESHOLD_HEADER, 'expected a number more than 0 and at most 1')
    controls.threshold = value
  }
  if (defaults.namespaceHeader) {
    const namespace = header(request, defaults.namespaceHeader)?.trim()
    if (namespace !== undefined) {
      if (!NAMESPACE.test(namespace)) throw bad(defaults.namespaceHeader, 'expected 1 to 128 letters, digits or ._:@/+=-')
      controls.namespace = namespace
    }
  }
  return controls
}
