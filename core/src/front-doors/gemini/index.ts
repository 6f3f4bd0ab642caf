import { GatewayError } from '@sluice/sdk'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { handleInference } from '../../engine/handle.js'
import { withVisibleModels } from '../../engine/models.js'
import type { InferenceRoute } from '../../engine/handle.js'
import { methodNotAllowed, sendError, sendJson } from '../../http/node.js'
import type { FrontDoor, FrontDoorDeps } from '../types.js'
import { geminiCodec } from './codec.js'
import { parseEmbedRequest } from './embeddings.js'
import { geminiModel } from './models.js'
import { parseGenerateContent } from './request.js'

/** Where Google's clients put the API version; the SDKs take `{gateway}/genai` as base URL. */
const BASES = ['/genai/v1beta/models', '/genai/v1/models']

/**
 * The Gemini-compatible API: `POST {base}/{model}:generateContent`, `:streamGenerateContent`
 * (SSE with `?alt=sse`, else Google's streamed JSON array), `:embedContent`, `:batchEmbedContents`,
 * and `GET {base}` / `GET {base}/{model}`. The method sits after a colon in the last path segment,
 * and a model may hold slashes (`provider/model`), so one prefix handler splits the path itself.
 * Keys come as Google clients send them (`x-goog-api-key` or `?key=`); policy plugins read them.
 */
export const geminiFrontDoor: FrontDoor = (_app, deps, dataPlane) => {
  for (const base of BASES) {
    dataPlane.route(base, async (req, res) => {
      if (req.method !== 'GET') return void sendError(res, geminiCodec(), methodNotAllowed(req.method, 'GET'))
      await withVisibleModels(deps, req, res, geminiCodec(), (models) => sendJson(res, 200, { models: models.map(geminiModel) }))
    })
    dataPlane.prefix(`${base}/`, (req, res) => serve(deps, base, req, res))
  }
}

async function serve(deps: FrontDoorDeps, base: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? ''
  const query = url.indexOf('?')
  let rest: string
  try {
    rest = decodeURIComponent((query === -1 ? url : url.slice(0, query)).slice(base.length + 1))
  } catch {
    return void sendError(res, geminiCodec(), new GatewayError(400, 'caller_invalid_request', 'The model name in the path is not valid percent-encoding'))
  }
  const colon = rest.lastIndexOf(':')
  const model = colon === -1 ? rest : rest.slice(0, colon)
  const method = colon === -1 ? '' : rest.slice(colon + 1)
  if (!model) return void sendError(res, geminiCodec(), new GatewayError(404, 'caller_not_found', `No route for ${req.method} ${url.split('?')[0]}`))
  if (!method) {
    if (req.method !== 'GET') return void sendError(res, geminiCodec(), methodNotAllowed(req.method, 'GET'))
    return withVisibleModels(deps, req, res, geminiCodec(), (models) => {
      const found = models.find((m) => m.id === model)
      if (!found) return sendError(res, geminiCodec(), new GatewayError(404, 'caller_model_not_found', `The model "${model}" is not served by this gateway`, { param: 'model' }))
      sendJson(res, 200, geminiModel(found))
    })
  }
  const route = routeFor(model, method, new URLSearchParams(query === -1 ? '' : url.slice(query + 1)))
  if (!route) return void sendError(res, geminiCodec(), new GatewayError(404, 'caller_not_found', `The method "${method}" is not served by this gateway (generateContent, streamGenerateContent, embedContent and batchEmbedContents are)`))
  if (req.method !== 'POST') return void sendError(res, route.codec, methodNotAllowed(req.method, 'POST'))
  await handleInference(deps, route, req, res)
}

/** One route per request: the model and the stream flag come from the URL, not the body. */
function routeFor(model: string, method: string, query: URLSearchParams): InferenceRoute | undefined {
  switch (method) {
    case 'generateContent':
      return { operation: 'chat', codec: geminiCodec(), parse: (body) => parseGenerateContent(body, model, false) }
    case 'streamGenerateContent':
      return { operation: 'chat', codec: geminiCodec({ framing: query.get('alt') === 'sse' ? 'sse' : 'json' }), parse: (body) => parseGenerateContent(body, model, true) }
    case 'embedContent':
    case 'batchEmbedContents':
      return { operation: 'embeddings', codec: geminiCodec({ embed: method }), parse: (body) => parseEmbedRequest(body, model, method) }
    default:
      return undefined
  }
}

