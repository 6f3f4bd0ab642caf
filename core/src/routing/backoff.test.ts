import { describe, expect, it } from 'vitest'
import { backoffDelay, parseRetryAfter } from './backoff.js'

const policy = { attempts: 5, initialDelayMs: 100, maxDelayMs: 1_000 }

describe('backoffDelay', () => {
  it('doubles the ceiling per retry with full jitter, capped', () => {
    expect(backoffDelay(1, policy, undefined, () => 0.999)).toBe(100)
    expect(backoffDelay(2, policy, undefined, () => 0.999)).toBe(200)
    expect(backoffDelay(3, policy, undefined, () => 0.5)).toBe(200)
    expect(backoffDelay(9, policy, undefined, () => 0.999)).toBe(999)
    expect(backoffDelay(3, policy, undefined, () => 0)).toBe(0)
  })

  it('never waits less than retry-after', () => {
    expect(backoffDelay(1, policy, 700, () => 0.1)).toBe(700)
  })
})

describe('parseRetryAfter', () => {
  it('reads seconds, HTTP dates and retry-after-ms', () => {
    expect(parseRetryAfter({ 'retry-after': '2' })).toBe(2_000)
    expect(parseRetryAfter({ 'retry-after': '0.5' })).toBe(500)
    expect(parseRetryAfter({ 'retry-after-ms': '150', 'retry-after': '9' })).toBe(150)
    expect(parseRetryAfter({ 'retry-after': new Date(10_000).toUTCString() }, 7_000)).toBe(3_000)
    expect(parseRetryAfter({ 'retry-after': 'soon' })).toBeUndefined()
    expect(parseRetryAfter({})).toBeUndefined()
  })
})
