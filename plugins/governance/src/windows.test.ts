import { describe, expect, it } from 'vitest'
import { budgetWindow, rateWindow } from './windows.js'

const at = (iso: string) => Date.parse(iso)
const iso = (ms: number) => new Date(ms).toISOString()

describe('budget windows', () => {
  it('calendar periods start at UTC boundaries; weeks on Monday', () => {
    const now = at('2026-11-25T15:42:10.500Z') // a Wednesday
    const w = (period: 'minute' | 'hour' | 'day' | 'week' | 'month') => budgetWindow({ limitUsd: 1, period, reset: 'calendar' }, 0, now)
    expect(iso(w('minute').start)).toBe('2026-11-25T15:42:00.000Z')
    expect(iso(w('hour').end)).toBe('2026-11-25T16:00:00.000Z')
    expect(iso(w('day').start)).toBe('2026-11-25T00:00:00.000Z')
    expect(iso(w('week').start)).toBe('2026-11-23T00:00:00.000Z')
    expect(iso(w('week').end)).toBe('2026-11-30T00:00:00.000Z')
    expect(iso(w('month').start)).toBe('2026-11-01T00:00:00.000Z')
    expect(iso(w('month').end)).toBe('2026-12-01T00:00:00.000Z')
  })

  it('a Sunday belongs to the week that began the Monday before', () => {
    const w = budgetWindow({ limitUsd: 1, period: 'week', reset: 'calendar' }, 0, at('2026-11-29T23:59:59Z'))
    expect(iso(w.start)).toBe('2026-11-23T00:00:00.000Z')
  })

  it('rolling periods count from the owner\'s creation', () => {
    const created = at('2026-01-15T09:30:00Z')
    const day = budgetWindow({ limitUsd: 1, period: 'day', reset: 'rolling' }, created, at('2026-03-02T08:00:00Z'))
    expect(iso(day.start)).toBe('2026-03-01T09:30:00.000Z')
    const month = budgetWindow({ limitUsd: 1, period: 'month', reset: 'rolling' }, created, at('2026-03-10T00:00:00Z'))
    expect(iso(month.start)).toBe('2026-02-15T09:30:00.000Z')
    expect(iso(month.end)).toBe('2026-03-15T09:30:00.000Z')
  })

  it('a rolling month anchored on the 31st resets on the last day of shorter months', () => {
    const created = at('2026-01-31T00:00:00Z')
    const w = budgetWindow({ limitUsd: 1, period: 'month', reset: 'rolling' }, created, at('2026-03-01T12:00:00Z'))
    expect(iso(w.start)).toBe('2026-02-28T00:00:00.000Z')
    expect(iso(w.end)).toBe('2026-03-31T00:00:00.000Z')
  })

  it('total never resets', () => {
    expect(budgetWindow({ limitUsd: 1, period: 'total', reset: 'calendar' }, 0, Date.now())).toEqual({ start: 0, end: Number.POSITIVE_INFINITY })
  })

  it('rate windows are fixed and aligned so every node agrees', () => {
    const w = rateWindow('minute', at('2026-11-25T15:42:10.500Z'))
    expect(iso(w.start)).toBe('2026-11-25T15:42:00.000Z')
    expect(w.end - w.start).toBe(60_000)
  })
})
