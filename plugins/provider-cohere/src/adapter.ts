import type { ProviderAdapter, ProviderKey } from '@sluice/sdk'
import { cohereEmbeddings } from './embeddings.js'
import type { InputType } from './embeddings.js'
import { mapCohereError } from './errors.js'
import { toCohereChat } from './request.js'
import { fromCohereChat } from './response.js'
import { cohereChunks } from './stream.js'

export interface CohereAdapterOptions {
  id: string
  baseURL: string
  keys: ProviderKey[]
  models: string[]
  headers: Record<string, string>
  timeoutMs: number
  maxConcurrent?: number
  /** The embed `input_type` when a request names none. */
  inputType: InputType
}

/**
 * A ProviderAdapter for Cohere's v2 API: `/v2/chat` (plain and SSE stream) and `/v2/embed`, with
 * `Authorization: Bearer`. Cohere reports usage on every answer, streams included.
 */
export function cohereAdapter(options: CohereAdapterOptions): ProviderAdapter {
  const { id } = options
  return {
    id,
    kind: 'cohere',
    wireFormat: 'cohere',
    baseURL: options.baseURL.replace(/\/+$/, ''),
    keys: options.keys,
    models: options.models,
    headers: options.headers,
    timeoutMs: options.timeoutMs,
    maxConcurrent: options.maxConcurrent,
    auth: (key): Record<string, string> => (key ? { authorization: `Bearer ${key}` } : {}),
    chat: {
      request: (req, call) => ({ path: '/v2/chat', body: toCohereChat(req, id, call.model, call.stream) }),
      response: (body, call) => fromCohereChat(body, id, call.model),
      stream: (events, call) => cohereChunks(events, id, call.model),
    },
    embeddings: cohereEmbeddings(id, options.inputType),
    error: (info) => mapCohereError(info, id),
  }
}
