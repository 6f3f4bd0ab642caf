import type { EmbeddingsAdapter, ProviderAdapter, ProviderKey } from '@sluice/sdk'
import { withEncoding } from './embeddings.js'
import { mapGoogleError } from './errors.js'
import type { ModelPath } from './paths.js'
import { toGenerateContent } from './request.js'
import { fromGenerateContent } from './response.js'
import { geminiChunks, geminiFacts } from './stream.js'

export interface GeminiAdapterOptions {
  id: string
  kind: 'gemini' | 'vertex'
  baseURL: string
  keys: ProviderKey[]
  models: string[]
  headers: Record<string, string>
  timeoutMs: number
  maxConcurrent?: number
  auth(key: string): Record<string, string> | Promise<Record<string, string>>
  modelPath: ModelPath
  embeddings: EmbeddingsAdapter
}

/**
 * A ProviderAdapter speaking Gemini's generateContent (the Gemini API and Vertex AI differ only in
 * base URL, model paths, auth and embeddings). Streams use `streamGenerateContent?alt=sse`.
 */
export function geminiAdapter(options: GeminiAdapterOptions): ProviderAdapter {
  const { id, modelPath } = options
  return {
    id,
    kind: options.kind,
    wireFormat: 'gemini',
    baseURL: options.baseURL.replace(/\/+$/, ''),
    keys: options.keys,
    models: options.models,
    headers: options.headers,
    timeoutMs: options.timeoutMs,
    maxConcurrent: options.maxConcurrent,
    auth: options.auth,
    chat: {
      // Gemini reports usage on every answer, streams included: nothing to ask for when call.usage is set.
      request(req, call) {
        const method = call.stream ? 'streamGenerateContent?alt=sse' : 'generateContent'
        return { path: `/${modelPath(call.model)}:${method}`, body: toGenerateContent(req, id, call.model) }
      },
      response: (body, call) => fromGenerateContent(body, id, call.model),
      stream: (events, call) => geminiChunks(events, id, call.model),
      inspect: (event) => geminiFacts(event, id),
    },
    embeddings: withEncoding(options.embeddings),
    error: (info) => mapGoogleError(info, id),
  }
}
