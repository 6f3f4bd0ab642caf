import type { RetryConfig } from '@sluice/sdk'

/**
 * Delay before retry number `retry` (1 for the first retry): exponential with full jitter,
 * so synchronized clients spread out; never shorter than the upstream's retry-after.
 */
export function backoffDelay(retry: number, policy: RetryConfig, retryAfterMs?: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (retry - 1))
  const jittered = Math.round(random() * ceiling)
  return retryAfterMs === undefined ? jittered : Math.max(jittered, retryAfterMs)
}

/** Parses `retry-after` (seconds or an HTTP date) and `retry-after-ms` into milliseconds. */
export function parseRetryAfter(headers: Record<string, string | string[] | undefined>, now = Date.now()): number | undefined {
  const ms = first(headers['retry-after-ms'])
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms)) return Math.ceil(Number(ms))
  const value = first(headers['retry-after'])
  if (value === undefined) return undefined
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.ceil(Number(value) * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}
