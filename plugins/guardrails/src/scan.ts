import type { Detector, Match } from './detectors.js'

export type Action = 'block' | 'redact' | 'flag' | 'off'

/** A detector with the action the active profile gives it. */
export interface ActiveRule {
  detector: Detector
  action: Exclude<Action, 'off'>
}

export interface Finding extends Match {
  action: Exclude<Action, 'off'>
}

const SEVERITY = { block: 3, redact: 2, flag: 1 } as const

/** Runs every active rule over `text` and keeps non-overlapping findings (strongest first). */
export function scan(text: string, rules: readonly ActiveRule[]): Finding[] {
  if (!text) return []
  const all: Finding[] = []
  const rank = new Map<string, number>()
  for (const rule of rules) {
    rank.set(rule.detector.id, rule.detector.rank)
    for (const m of rule.detector.find(text)) all.push({ ...m, action: rule.action })
  }
  if (all.length <= 1) return all
  all.sort((a, b) => SEVERITY[b.action] - SEVERITY[a.action] || rank.get(b.rule)! - rank.get(a.rule)! || b.end - b.start - (a.end - a.start) || a.start - b.start)
  const kept: Finding[] = []
  for (const f of all) if (!kept.some((k) => f.start < k.end && k.start < f.end)) kept.push(f)
  return kept.sort((a, b) => a.start - b.start)
}

export const redactionLabel = (type: string) => `[REDACTED:${type}]`

/** Replaces the `redact` findings in `text`; the others are left as they are. */
export function applyRedactions(text: string, findings: readonly Finding[], offset = 0): string {
  let out = ''
  let at = 0
  for (const f of findings) {
    if (f.action !== 'redact') continue
    const start = f.start - offset
    const end = f.end - offset
    if (start < at) continue
    out += text.slice(at, start) + redactionLabel(f.type)
    at = end
  }
  return at === 0 ? text : out + text.slice(at)
}
