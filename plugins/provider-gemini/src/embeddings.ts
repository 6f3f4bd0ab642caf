import { GatewayError } from '@sluice/sdk'
import type { EmbeddingRequest, EmbeddingResponse, EmbeddingsAdapter } from '@sluice/sdk'
import { isPlainObject } from './merge.js'
import type { ModelPath } from './paths.js'
import { invalid, unsupported } from './unsupported.js'

const KNOWN = new Set(['model', 'input', 'encoding_format', 'dimensions', 'user', 'gemini'])

interface Prepared {
  texts: string[]
  /** Gemini-only fields (taskType, title …) given under `gemini`. */
  extra: Record<string, unknown>
}

function prepare(req: EmbeddingRequest, provider: string): Prepared {
  for (const [key, value] of Object.entries(req))
    if (!KNOWN.has(key) && value != null) throw unsupported(provider, key, 'this OpenAI parameter has no Gemini equivalent')
  const input = req.input
  const texts = typeof input === 'string' ? [input] : input
  if (!Array.isArray(texts) || texts.length === 0 || !texts.every((t): t is string => typeof t === 'string'))
    throw unsupported(provider, 'input', 'Gemini embeds text, not token arrays')
  if (req.gemini != null && !isPlainObject(req.gemini)) throw invalid('gemini', '`gemini` must be an object of Gemini request fields')
  return { texts, extra: (req.gemini as Record<string, unknown> | undefined) ?? {} }
}

/**
 * Embeddings through batchEmbedContents (one request item per input), the Gemini API's way and
 * that of Vertex's Gemini embedding models. `fullName` is the model's resource name each item
 * must repeat.
 */
export function batchEmbeddings(provider: string, path: ModelPath, fullName: (model: string) => string): EmbeddingsAdapter {
  return {
    request(req, call) {
      const { texts, extra } = prepare(req, provider)
      const requests = texts.map((text) => ({
        model: fullName(call.model),
        content: { parts: [{ text }] },
        ...(req.dimensions ? { outputDimensionality: req.dimensions } : {}),
        ...extra,
      }))
      return { path: `/${path(call.model)}:batchEmbedContents`, body: { requests } }
    },
    response(body, call) {
      const res = body as { embeddings?: { values?: number[] }[]; usageMetadata?: { promptTokenCount?: number } } | null
      if (!res || !Array.isArray(res.embeddings)) throw new GatewayError(502, 'provider_invalid_response', `Provider "${provider}" answered without embeddings`)
      return embeddingList(res.embeddings.map((e) => e.values ?? []), call.model, res.usageMetadata?.promptTokenCount ?? 0, encodingOf(call))
    },
  }
}

/** Vertex AI's text embedding models (text-embedding-00x, gemini-embedding-001): `:predict`. */
export function predictEmbeddings(provider: string, path: ModelPath): EmbeddingsAdapter {
  return {
    request(req, call) {
      const { texts, extra } = prepare(req, provider)
      const { taskType, title, ...parameters } = extra
      const instances = texts.map((content) => ({ content, ...(taskType ? { task_type: taskType } : {}), ...(title ? { title } : {}) }))
      const params = { ...(req.dimensions ? { outputDimensionality: req.dimensions } : {}), ...parameters }
      return { path: `/${path(call.model)}:predict`, body: Object.keys(params).length ? { instances, parameters: params } : { instances } }
    },
    response(body, call) {
      const res = body as { predictions?: { embeddings?: { values?: number[]; statistics?: { token_count?: number } } }[] } | null
      if (!res || !Array.isArray(res.predictions)) throw new GatewayError(502, 'provider_invalid_response', `Provider "${provider}" answered without predictions`)
      const tokens = res.predictions.reduce((sum, p) => sum + (p.embeddings?.statistics?.token_count ?? 0), 0)
      return embeddingList(res.predictions.map((p) => p.embeddings?.values ?? []), call.model, tokens, encodingOf(call))
    },
  }
}

// The encoding the caller asked for travels from request() to response() on the call object.
const encodings = new WeakMap<object, 'float' | 'base64'>()
const encodingOf = (call: object) => encodings.get(call) ?? 'float'

/** Remembers `encoding_format` for the response of this call (the OpenAI SDK asks for base64). */
export function withEncoding(adapter: EmbeddingsAdapter): EmbeddingsAdapter {
  return {
    request(req, call) {
      encodings.set(call, req.encoding_format === 'base64' ? 'base64' : 'float')
      return adapter.request(req, call)
    },
    response: adapter.response.bind(adapter),
  }
}

function embeddingList(vectors: number[][], model: string, tokens: number, encoding: 'float' | 'base64'): EmbeddingResponse {
  return {
    object: 'list',
    data: vectors.map((values, index) => ({ object: 'embedding', index, embedding: encoding === 'base64' ? toBase64(values) : values })),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  }
}

/** OpenAI's base64 encoding: the vector as little-endian float32. */
function toBase64(values: number[]): string {
  const floats = new Float32Array(values)
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64')
}
