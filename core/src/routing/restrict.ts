import { GatewayError } from '@sluice/sdk'
import type { Target, TargetRule } from '@sluice/sdk'
import type { Plan, PlannedTarget } from './plan.js'

/**
 * Applies a request's `restrict` rules to its plan (for the model the client named,
 * `requested`): targets a rule refuses are dropped, key subsets are intersected with the keys
 * the rules allow. A rule sees each target with the name the client used for it: a fallback the
 * client listed is judged by its own name, never allowed by the primary's. Throws a 403 when
 * nothing is left.
 */
export function restrictPlan(plan: Plan, rules: readonly TargetRule[], requested: string): Plan {
  if (rules.length === 0) return plan
  const kept = plan.groups.map((group, i) => {
    const name = plan.names[i] ?? requested
    return { name, targets: group.map((t) => restrictTarget(t, rules, name)).filter((t): t is PlannedTarget => !!t) }
  })
  const left = kept.filter((g) => g.targets.length > 0)
  const groups = left.map((g) => g.targets)
  if (groups.length === 0) {
    const reason = rules.find((r) => r.reason)?.reason
    throw new GatewayError(403, 'policy_model_not_allowed', reason ?? 'No provider this request could go to is allowed for this caller', { param: 'model' })
  }
  return { ...plan, groups, names: left.map((g) => g.name) }
}

/** The targets of a plan as plugins see them, in order, without duplicates. */
export function planTargets(plan: Plan): Target[] {
  const seen = new Set<string>()
  const out: Target[] = []
  for (const group of plan.groups)
    for (const t of group)
      if (!seen.has(t.id)) {
        seen.add(t.id)
        out.push({ provider: t.provider.id, model: t.model })
      }
  return out
}

function restrictTarget(target: PlannedTarget, rules: readonly TargetRule[], requested: string): PlannedTarget | undefined {
  const view: Target = { provider: target.provider.id, model: target.model }
  let keys = target.keys
  for (const rule of rules) {
    if (rule.allow && !rule.allow(view, requested)) return undefined
    if (rule.keys) {
      const allowed = new Set(rule.keys)
      const ids = keys ?? target.provider.keys.map((k) => k.id).filter((id): id is string => !!id)
      keys = ids.filter((id) => allowed.has(id))
      if (keys.length === 0) return undefined
    }
  }
  return keys === target.keys ? target : { ...target, keys }
}
