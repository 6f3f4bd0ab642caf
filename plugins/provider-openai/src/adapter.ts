import { GatewayError } from '@sluice/sdk'
import type { ChatResponse, EmbeddingResponse, ProviderAdapter } from '@sluice/sdk'
import { mapOpenAIError } from './errors.js'
import { openAIChunks, openAIFacts } from './stream.js'
import { forOpenAI } from './wire.js'

export interface OpenAICompatibleOptions extends Pick<ProviderAdapter, 'id' | 'baseURL' | 'keys' | 'models' | 'headers' | 'timeoutMs' | 'maxConcurrent'> {
  kind?: string
  /** Upstream paths, relative to baseURL, per model (Azure puts the deployment in the path). */
  paths?: { chat(model: string): string; embeddings(model: string): string }
  /** Auth headers for a key; default `Authorization: Bearer`, none without a key. */
  auth?: (key: string) => Record<string, string>
}

/**
 * A ProviderAdapter for any upstream that speaks the OpenAI wire format. The body goes up as the
 * client sent it (unknown fields included), with the upstream model name.
 *
 * @example
 * const adapter = openAICompatible({ id: 'vllm', baseURL: 'http://10.0.0.5:8000/v1', keys: [], models: ['*'], headers: {}, timeoutMs: 60_000 })
 */
export function openAICompatible(options: OpenAICompatibleOptions): ProviderAdapter {
  const id = options.id
  const paths = options.paths ?? { chat: () => '/chat/completions', embeddings: () => '/embeddings' }
  return {
    id,
    kind: options.kind ?? 'openai',
    wireFormat: 'openai',
    baseURL: options.baseURL.replace(/\/+$/, ''),
    keys: options.keys,
    models: options.models,
    headers: options.headers,
    timeoutMs: options.timeoutMs,
    maxConcurrent: options.maxConcurrent,
    auth: options.auth ?? ((key: string): Record<string, string> => (key ? { authorization: `Bearer ${key}` } : {})),
    chat: {
      request: (original, call) => {
        const req = call.format && call.format !== 'openai' ? forOpenAI({ ...original, model: call.model }) : original
        // Usage on a stream only comes when asked for: ask when the gateway needs it.
        if (call.stream && call.usage && !req.stream_options?.include_usage)
          return { path: paths.chat(call.model), body: { ...req, model: call.model, stream_options: { ...req.stream_options, include_usage: true } }, bodyChanged: true }
        return { path: paths.chat(call.model), body: { ...req, model: call.model } }
      },
      response: (body) => {
        // Some compatible servers answer a failure with a 200 and an error object.
        if (body && typeof body === 'object' && 'error' in body && !('choices' in body)) throw mapOpenAIError({ status: 502, body, headers: {} }, id)
        if (!body || typeof body !== 'object' || !Array.isArray((body as ChatResponse).choices))
          throw new GatewayError(502, 'provider_invalid_response', `Provider "${id}" answered without choices`)
        return body as ChatResponse
      },
      stream: (events) => openAIChunks(events, id),
      inspect: (event) => openAIFacts(event, id),
    },
    embeddings: {
      request: (req, call) => ({ path: paths.embeddings(call.model), body: { ...req, model: call.model } }),
      response: (body) => {
        if (!body || typeof body !== 'object' || !Array.isArray((body as EmbeddingResponse).data))
          throw new GatewayError(502, 'provider_invalid_response', `Provider "${id}" answered without embeddings`)
        return body as EmbeddingResponse
      },
    },
    error: (info) => mapOpenAIError(info, id),
  }
}
