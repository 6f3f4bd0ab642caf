import { GatewayError } from '@sluice/sdk'
import type { ModelInfo, ProviderAdapter } from '@sluice/sdk'

export interface Route {
  provider: ProviderAdapter
  /** The model name to send upstream. */
  model: string
}

const MAX_CACHED = 10_000

/**
 * Resolves the client's model name to a provider instance:
 * 1. a model some provider declares (first in config order),
 * 2. `provider/model`: the named provider instance, any model,
 * 3. a declared glob (`gpt-4o*`), first in config order;
 * otherwise a 404 naming the model.
 */
export class Router {
  readonly providers: readonly ProviderAdapter[]
  readonly #byId = new Map<string, ProviderAdapter>()
  readonly #exact = new Map<string, ProviderAdapter>()
  readonly #globs: { pattern: RegExp; provider: ProviderAdapter }[] = []
  readonly #cache = new Map<string, Route>()

  constructor(providers: readonly ProviderAdapter[]) {
    this.providers = providers
    for (const provider of providers) {
      if (this.#byId.has(provider.id)) throw new Error(`two providers use the id "${provider.id}"; give one of them another \`id\``)
      this.#byId.set(provider.id, provider)
      for (const model of provider.models) {
        if (model.includes('*')) this.#globs.push({ pattern: globToRegExp(model), provider })
        else if (!this.#exact.has(model)) this.#exact.set(model, provider)
      }
    }
  }

  provider(id: string): ProviderAdapter | undefined {
    return this.#byId.get(id)
  }

  resolve(model: string): Route {
    const cached = this.#cache.get(model)
    if (cached) return cached
    const route = this.#lookup(model)
    if (!route)
      throw new GatewayError(
        404,
        'caller_model_not_found',
        `The model "${model}" is not served by this gateway. Use a model from GET /v1/models, or name a provider as "provider/model"${this.providers.length ? ` (providers: ${this.providers.map((p) => p.id).join(', ')})` : ''}.`,
        { param: 'model', code: 'model_not_found' },
      )
    if (this.#cache.size >= MAX_CACHED) this.#cache.clear()
    this.#cache.set(model, route)
    return route
  }

  #lookup(model: string): Route | undefined {
    const declared = this.#exact.get(model)
    if (declared) return { provider: declared, model }
    const slash = model.indexOf('/')
    if (slash > 0) {
      const provider = this.#byId.get(model.slice(0, slash))
      const rest = model.slice(slash + 1)
      if (provider && rest) return { provider, model: rest }
    }
    for (const { pattern, provider } of this.#globs) if (pattern.test(model)) return { provider, model }
    return undefined
  }

  /**
   * The model list: each declared model once under its bare name (served by the first provider
   * that declares it), and as `provider/model` where a later provider declares it too.
   */
  listModels(): ModelInfo[] {
    const seen = new Set<string>()
    const out: ModelInfo[] = []
    for (const provider of this.providers) {
      for (const model of provider.models) {
        if (model.includes('*')) continue
        const id = seen.has(model) ? `${provider.id}/${model}` : model
        seen.add(model)
        out.push({ id, object: 'model', created: 0, owned_by: provider.id, ...provider.describeModel?.(model) })
      }
    }
    return out
  }
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`)
}
