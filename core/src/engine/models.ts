import type { IncomingMessage, ServerResponse } from 'node:http'
import { GatewayError, isGatewayError } from '@sluice/sdk'
import type { ModelInfo, ModelListRequest, TargetRule, WireFormat } from '@sluice/sdk'
import { readCredential } from '@sluice/sdk/runtime'
import type { FrontDoorCodec } from '../front-doors/codec.js'
import type { FrontDoorDeps } from '../front-doors/types.js'
import { sendError } from '../http/node.js'
import { restrictPlan } from '../routing/restrict.js'

/**
 * The models a caller may see, for every front door's model list: route aliases first (what an
 * organisation wants its clients to use), then every served model; narrowed by the plugins'
 * `models` hooks (a virtual key sees its allowlist). A hook's GatewayError (401 …) is thrown for
 * the front door to answer in its wire format.
 */
export async function visibleModels(deps: FrontDoorDeps, req: IncomingMessage, format: WireFormat): Promise<ModelInfo[]> {
  const all: ModelInfo[] = [...deps.planner.aliases.map((id) => ({ id, object: 'model' as const, created: 0, owned_by: 'sluice' })), ...deps.router.listModels()]
  const rules = await callerRules(deps, req, format)
  if (rules.length === 0) return all
  return all.filter((model) => {
    try {
      restrictPlan(deps.planner.plan(model.id), rules, model.id)
      return true
    } catch {
      return false
    }
  })
}

/**
 * The rules the plugins' `models` hooks set for this caller (none: no restriction). Throws a
 * hook's GatewayError (401 …), or 500 for a fail-closed plugin that broke.
 */
export async function callerRules(deps: FrontDoorDeps, req: IncomingMessage, format: WireFormat): Promise<TargetRule[]> {
  const hooks = deps.pipeline.plugins.filter((p) => p.instance.models)
  if (hooks.length === 0) return []
  const url = req.url ?? '/'
  const q = url.indexOf('?')
  const query = q === -1 ? '' : url.slice(q + 1)
  const request: ModelListRequest = { format, path: q === -1 ? url : url.slice(0, q), headers: req.headers, credential: () => readCredential(req.headers, query, format) }
  const rules: TargetRule[] = []
  for (const plugin of hooks) {
    try {
      const rule = await plugin.instance.models!(request)
      if (rule) rules.push(rule)
    } catch (error) {
      if (isGatewayError(error)) throw error
      deps.log.error('plugin hook failed', { plugin: plugin.name, stage: 'models', failOpen: plugin.failOpen, error: error instanceof Error ? error.message : String(error) })
      if (!plugin.failOpen) throw new GatewayError(500, 'gateway_plugin_error', `Plugin "${plugin.name}" failed in models`)
    }
  }
  return rules
}

/** Answers with the caller's models (`answer`), or with the refusal in the front door's wire format. */
export async function withVisibleModels(deps: FrontDoorDeps, req: IncomingMessage, res: ServerResponse, codec: FrontDoorCodec, answer: (models: ModelInfo[]) => void): Promise<void> {
  let models: ModelInfo[]
  try {
    models = await visibleModels(deps, req, codec.format)
  } catch (error) {
    if (isGatewayError(error)) return void sendError(res, codec, error)
    deps.log.error('listing models failed', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) })
    return void sendError(res, codec, new GatewayError(500, 'gateway_internal', 'Internal gateway error while listing models'))
  }
  answer(models)
}

/** A model id from a URL path (`provider/model` may come with `%2F`); undefined when the percent-encoding is broken. */
export function decodePathModel(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw)
  } catch {
    return undefined
  }
}

/** The caller's broken percent-encoding is a 400 in the door's wire format, not a gateway 500. */
export function badModelEncoding(): GatewayError {
  return new GatewayError(400, 'caller_invalid_request', 'The model name in the path is not valid percent-encoding', { param: 'model' })
}
