import { describe, expect, it } from 'vitest'
import { TargetHealth } from './health.js'

describe('TargetHealth', () => {
  it('opens after consecutive failures, admits one probe after the cool-down, closes on success', () => {
    const h = new TargetHealth({ failureThreshold: 3, cooldownMs: 1_000 })
    h.failure(0)
    h.failure(0)
    expect(h.state).toBe('closed')
    h.failure(100)
    expect(h.state).toBe('open')
    expect(h.admit(500)).toBe(false)
    expect(h.admit(1_100)).toBe(true)
    expect(h.state).toBe('half-open')
    expect(h.admit(1_100)).toBe(false) // one probe at a time
    h.success(50)
    expect(h.state).toBe('closed')
    expect(h.admit(1_200)).toBe(true)
  })

  it('re-opens when the probe fails', () => {
    const h = new TargetHealth({ failureThreshold: 1, cooldownMs: 1_000 })
    h.failure(0)
    expect(h.admit(1_000)).toBe(true)
    h.failure(1_000)
    expect(h.state).toBe('open')
    expect(h.admit(1_500)).toBe(false)
    expect(h.reopensAt()).toBe(2_000)
  })

  it('lets another probe through when one went nowhere', () => {
    const h = new TargetHealth({ failureThreshold: 1, cooldownMs: 10 })
    h.failure(0)
    expect(h.admit(20)).toBe(true)
    h.release()
    expect(h.admit(20)).toBe(true)
  })

  it('gives a flaky or slow target a smaller share before its circuit opens', () => {
    const healthy = new TargetHealth({ failureThreshold: 100, cooldownMs: 1 })
    const flaky = new TargetHealth({ failureThreshold: 100, cooldownMs: 1 })
    const slow = new TargetHealth({ failureThreshold: 100, cooldownMs: 1 })
    for (let i = 0; i < 10; i++) {
      healthy.success(100)
      slow.success(400)
      if (i % 2) flaky.failure(0)
      else flaky.success(100)
    }
    expect(healthy.factor(100)).toBeCloseTo(1, 1)
    expect(flaky.factor(100)).toBeLessThan(0.5)
    expect(slow.factor(100)).toBeCloseTo(0.5, 1)
    expect(flaky.state).toBe('closed')
  })
})
