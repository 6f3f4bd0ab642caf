import type { Budget, RateLimit } from './options.js'

/** A counting window: [start, end) in epoch ms. */
export interface Window {
  start: number
  end: number
}

const FIXED_MS = { second: 1_000, minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000 } as const

/** The window a budget counts in at `now`; `anchor` (the owner's creation) starts rolling periods. */
export function budgetWindow(budget: Budget, anchor: number, now: number): Window {
  if (budget.period === 'total') return { start: 0, end: Number.POSITIVE_INFINITY }
  if (budget.reset === 'calendar') return calendarWindow(budget.period, now)
  if (budget.period === 'month') return rollingMonth(anchor, now)
  return fixedFrom(anchor, FIXED_MS[budget.period], now)
}

/** Rate limits count in fixed windows aligned to the epoch (so every node agrees without talking). */
export function rateWindow(window: RateLimit['window'], now: number): Window {
  return fixedFrom(0, FIXED_MS[window], now)
}

function fixedFrom(anchor: number, length: number, now: number): Window {
  const start = anchor + Math.floor((now - anchor) / length) * length
  return { start, end: start + length }
}

/** UTC boundaries; weeks start on Monday. */
function calendarWindow(period: 'minute' | 'hour' | 'day' | 'week' | 'month', now: number): Window {
  if (period === 'minute' || period === 'hour' || period === 'day') return fixedFrom(0, FIXED_MS[period], now)
  const d = new Date(now)
  if (period === 'week') {
    const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())
    const sinceMonday = (d.getUTCDay() + 6) % 7
    const start = day - sinceMonday * FIXED_MS.day
    return { start, end: start + FIXED_MS.week }
  }
  return { start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) }
}

/** Months counted from the anchor's day and time (a key made on the 15th resets on the 15th). */
function rollingMonth(anchor: number, now: number): Window {
  const a = new Date(anchor)
  const at = (months: number) =>
    Date.UTC(a.getUTCFullYear(), a.getUTCMonth() + months, Math.min(a.getUTCDate(), daysIn(a.getUTCFullYear(), a.getUTCMonth() + months)), a.getUTCHours(), a.getUTCMinutes(), a.getUTCSeconds(), a.getUTCMilliseconds())
  const n = new Date(now)
  let months = (n.getUTCFullYear() - a.getUTCFullYear()) * 12 + (n.getUTCMonth() - a.getUTCMonth())
  if (at(months) > now) months--
  if (months < 0) months = 0
  return { start: at(months), end: at(months + 1) }
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
}
