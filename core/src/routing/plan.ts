import { GatewayError } from '@sluice/sdk'
import type { ProviderAdapter, RetryConfig, RouteConfig, RoutingConfig, TargetConfig } from '@sluice/sdk'
import type { Router } from '../router.js'

/** One place a request may go. */
export interface PlannedTarget {
  /** `provider/model`: the key for health. */
  id: string
  provider: ProviderAdapter
  model: string
  weight: number
  /** Only these provider keys (by id). */
  keys?: readonly string[]
}

/** Where a request goes, in order: the first group shares traffic by weight, then each fallback. */
export interface Plan {
  groups: PlannedTarget[][]
  /** Per group, the name the client used for it: the model it asked for, or a fallback it listed. */
  names: string[]
  retry: RetryConfig
  maxAttempts: number
  /** Per attempt, time to first byte; a target's own provider timeout when unset. */
  timeoutMs: number | undefined
  deadlineMs: number
  streamIdleTimeoutMs: number | undefined
  /** The alias the client named, when it named one. */
  route?: string
}

/**
 * Turns the client's model (a route alias, `provider/model`, or a declared model) and optional
 * request-level fallbacks into a Plan. Checked at startup: every target must resolve.
 */
export class Planner {
  readonly #router: Router
  readonly #routes: ReadonlyMap<string, { groups: PlannedTarget[][]; config: RouteConfig }>
  readonly #routing: RoutingConfig

  constructor(router: Router, routes: Record<string, RouteConfig>, routing: RoutingConfig) {
    this.#router = router
    this.#routing = routing
    const built = new Map<string, { groups: PlannedTarget[][]; config: RouteConfig }>()
    const problems: string[] = []
    for (const [alias, config] of Object.entries(routes)) {
      const resolve = (target: TargetConfig, where: string): PlannedTarget | undefined => {
        try {
          return this.#target(target, alias)
        } catch (error) {
          problems.push(`routes.${alias}.${where}: ${error instanceof Error ? error.message : String(error)}`)
          return undefined
        }
      }
      const primary = config.targets.map((t, i) => resolve(t, `targets[${i}]`)).filter((t): t is PlannedTarget => !!t)
      const fallbacks = config.fallbacks.map((t, i) => resolve(t, `fallbacks[${i}]`)).filter((t): t is PlannedTarget => !!t)
      built.set(alias, { groups: [primary, ...fallbacks.map((f) => [f])], config })
    }
    if (problems.length) throw new RouteConfigError(problems)
    this.#routes = built
  }

  get aliases(): string[] {
    return [...this.#routes.keys()]
  }

  plan(model: string, requestFallbacks?: unknown): Plan {
    const route = this.#routes.get(model)
    const groups = route ? [...route.groups] : [[this.#resolve(model)]]
    const names = groups.map(() => model)
    if (requestFallbacks !== undefined) {
      if (!this.#routing.requestFallbacks)
        throw new GatewayError(400, 'caller_invalid_request', 'Request-level `fallbacks` are not enabled on this gateway (routing.requestFallbacks)', { param: 'fallbacks' })
      if (!Array.isArray(requestFallbacks) || requestFallbacks.some((f) => typeof f !== 'string' || !f))
        throw new GatewayError(400, 'caller_invalid_request', '`fallbacks` must be an array of model names', { param: 'fallbacks' })
      for (const name of requestFallbacks as string[]) {
        const alias = this.#routes.get(name)
        const added = alias ? alias.groups : [[this.#resolve(name)]]
        groups.push(...added)
        names.push(...added.map(() => name))
      }
    }
    const config = route?.config
    return {
      groups,
      names,
      retry: config?.retry ?? this.#routing.retry,
      maxAttempts: this.#routing.maxAttempts,
      timeoutMs: config?.timeoutMs ?? this.#routing.timeoutMs,
      deadlineMs: config?.deadlineMs ?? this.#routing.deadlineMs,
      streamIdleTimeoutMs: config?.streamIdleTimeoutMs ?? this.#routing.streamIdleTimeoutMs,
      route: route ? model : undefined,
    }
  }

  #resolve(model: string): PlannedTarget {
    const { provider, model: upstream } = this.#router.resolve(model)
    return { id: `${provider.id}/${upstream}`, provider, model: upstream, weight: 1 }
  }

  #target(target: TargetConfig, alias: string): PlannedTarget {
    if (typeof target === 'string') return this.#resolve(target)
    const provider = this.#router.provider(target.provider)
    if (!provider) throw new Error(`no provider with id "${target.provider}" (providers: ${this.#router.providers.map((p) => p.id).join(', ') || 'none'})`)
    const model = target.model ?? alias
    if (target.keys) {
      const known = new Set(provider.keys.map((k) => k.id).filter(Boolean))
      const unknown = target.keys.filter((k) => !known.has(k))
      if (unknown.length) throw new Error(`provider "${provider.id}" has no key with id ${unknown.map((k) => `"${k}"`).join(', ')}`)
    }
    return { id: `${provider.id}/${model}`, provider, model, weight: target.weight, keys: target.keys }
  }
}

export class RouteConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'))
  }
}
