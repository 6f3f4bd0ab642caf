import { GatewayError } from '@sluice/sdk'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { handleInference } from '../../engine/handle.js'
import type { InferenceRoute } from '../../engine/handle.js'
import { withVisibleModels } from '../../engine/models.js'
import { HANDLED, methodNotAllowed, nodeOf, sendError, sendJson } from '../../http/node.js'
import type { FrontDoor } from '../types.js'
import { openAICodec } from './codec.js'
import { parseChatRequest, parseEmbeddingRequest } from './schema.js'

const chat: InferenceRoute = { operation: 'chat', codec: openAICodec, parse: parseChatRequest }
const embeddings: InferenceRoute = { operation: 'embeddings', codec: openAICodec, parse: parseEmbeddingRequest }

/** The OpenAI-compatible API: chat completions, embeddings, models. */
export const openAIFrontDoor: FrontDoor = (app, deps, dataPlane) => {
  const inference = (route: InferenceRoute) => async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') {
      sendError(res, openAICodec, methodNotAllowed(req.method, 'POST'))
      return
    }
    await handleInference(deps, route, req, res)
  }
  dataPlane.route('/v1/chat/completions', inference(chat))
  dataPlane.route('/v1/embeddings', inference(embeddings))

  app.all('/v1/models', async (event) => {
    const { req, res } = nodeOf(event)
    if (req.method !== 'GET') return sendError(res, openAICodec, methodNotAllowed(req.method, 'GET'))
    await withVisibleModels(deps, req, res, openAICodec, (models) => sendJson(res, 200, { object: 'list', data: models }))
    return HANDLED
  })
  app.all('/v1/models/**:model', async (event) => {
    const { req, res } = nodeOf(event)
    if (req.method !== 'GET') return sendError(res, openAICodec, methodNotAllowed(req.method, 'GET'))
    const id = decodeURIComponent(event.context.params?.model ?? '')
    await withVisibleModels(deps, req, res, openAICodec, (models) => {
      const found = models.find((m) => m.id === id)
      if (!found) return sendError(res, openAICodec, new GatewayError(404, 'caller_model_not_found', `The model "${id}" is not served by this gateway`, { param: 'model', code: 'model_not_found' }))
      sendJson(res, 200, found)
    })
    return HANDLED
  })
}
