import { GatewayError, isGatewayError } from '@sluice/sdk'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { handleInference } from '../../engine/handle.js'
import { badModelEncoding, callerRules, decodePathModel, withVisibleModels } from '../../engine/models.js'
import { restrictPlan } from '../../routing/restrict.js'
import type { InferenceRoute } from '../../engine/handle.js'
import { parseJsonObject, readBody } from '../../http/body.js'
import { methodNotAllowed, sendError, sendJson } from '../../http/node.js'
import type { FrontDoor, FrontDoorDeps } from '../types.js'
import { anthropicCodec } from './codec.js'
import { estimateInputTokens } from './count-tokens.js'
import { anthropicModel, anthropicModelList } from './models.js'
import { parseMessagesRequest } from './request.js'
import { checkCountBody } from './schema.js'

const BASE = '/anthropic/v1'

/**
 * The Anthropic-compatible API under `/anthropic` (clients take `{gateway}/anthropic` as base
 * URL): `POST /v1/messages`, `POST /v1/messages/count_tokens`, `GET /v1/models[/{id}]`, and
 * Anthropic-shaped errors for anything else under the prefix. Keys come as Anthropic clients
 * send them (`x-api-key` or `Authorization: Bearer`); policy plugins read them.
 */
export const anthropicFrontDoor: FrontDoor = (_app, deps, dataPlane) => {
  dataPlane.route(`${BASE}/messages`, async (req, res) => {
    if (req.method !== 'POST') return void sendError(res, anthropicCodec, methodNotAllowed(req.method, 'POST'))
    await handleInference(deps, messagesRoute(betas(req)), req, res)
  })
  dataPlane.route(`${BASE}/messages/count_tokens`, (req, res) => countTokens(deps, req, res))
  dataPlane.route(`${BASE}/models`, async (req, res) => {
    if (req.method !== 'GET') return void sendError(res, anthropicCodec, methodNotAllowed(req.method, 'GET'))
    await withVisibleModels(deps, req, res, anthropicCodec, (models) => sendJson(res, 200, anthropicModelList(models)))
  })
  dataPlane.prefix(`${BASE}/models/`, async (req, res) => {
    if (req.method !== 'GET') return void sendError(res, anthropicCodec, methodNotAllowed(req.method, 'GET'))
    const id = decodePathModel(pathOf(req).slice(`${BASE}/models/`.length))
    if (id === undefined) return void sendError(res, anthropicCodec, badModelEncoding())
    await withVisibleModels(deps, req, res, anthropicCodec, (models) => {
      const found = models.find((m) => m.id === id)
      if (!found) return sendError(res, anthropicCodec, new GatewayError(404, 'caller_model_not_found', `model: ${id}`, { param: 'model' }))
      sendJson(res, 200, anthropicModel(found))
    })
  })
  dataPlane.prefix('/anthropic/', async (req, res) => void sendError(res, anthropicCodec, new GatewayError(404, 'caller_not_found', `No route for ${req.method} ${pathOf(req)}`)))
}

/** One route per request: the `anthropic-beta` header travels with the body (to the Anthropic provider). */
function messagesRoute(betas: string[]): InferenceRoute {
  return { operation: 'chat', codec: anthropicCodec, parse: (body) => parseMessagesRequest(body, betas) }
}

/**
 * Token counting, answered here with an estimate (see count-tokens.ts) whatever the routed
 * provider; the model must still be one the gateway serves. The `x-sluice-token-count:
 * estimate` header says so.
 */
async function countTokens(deps: FrontDoorDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST') return void sendError(res, anthropicCodec, methodNotAllowed(req.method, 'POST'))
  try {
    // The caller must be one that may use the model (a virtual key, under governance).
    const rules = await callerRules(deps, req, 'anthropic')
    const body = checkCountBody(parseJsonObject(await readBody(req, deps.bodyLimit)))
    restrictPlan(deps.planner.plan(body.model), rules, body.model)
    sendJson(res, 200, { input_tokens: estimateInputTokens(body) }, { 'x-sluice-token-count': 'estimate' })
  } catch (error) {
    if (isGatewayError(error)) return void sendError(res, anthropicCodec, error)
    deps.log.error('count_tokens failed', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) })
    sendError(res, anthropicCodec, new GatewayError(500, 'gateway_internal', 'Internal gateway error while counting tokens'))
  }
}

function betas(req: IncomingMessage): string[] {
  const header = req.headers['anthropic-beta']
  const values = Array.isArray(header) ? header : header ? [header] : []
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean)
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '').split('?')[0]
}
