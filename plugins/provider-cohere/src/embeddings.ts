import { GatewayError } from '@sluice/sdk'
import type { CallInfo, EmbeddingRequest, EmbeddingResponse, EmbeddingsAdapter } from '@sluice/sdk'
import type { CohereEmbedRequest, CohereEmbedResponse } from './types.js'
import { deepMerge, isPlainObject } from './merge.js'
import { invalid, unsupported } from './unsupported.js'

/** Cohere's input types: how the texts will be used (v3+ models require one). */
export const INPUT_TYPES = ['search_document', 'search_query', 'classification', 'clustering'] as const
export type InputType = (typeof INPUT_TYPES)[number]

const KNOWN = new Set(['model', 'input', 'encoding_format', 'dimensions', 'user', 'input_type', 'cohere'])

/**
 * OpenAI embeddings on Cohere's `/v2/embed`: `input` → `texts`, `dimensions` → `output_dimension`,
 * float embeddings asked for and returned as base64 when the caller wants that (the openai SDKs
 * do by default). `input_type` is the provider's option unless the request names one (an extra
 * `input_type` field); other Cohere fields (`truncate` …) go under `cohere`.
 *
 * @example
 * embeddings: cohereEmbeddings('cohere', 'search_document')
 */
export function cohereEmbeddings(provider: string, defaultInputType: InputType): EmbeddingsAdapter {
  // The response needs the encoding the request asked for; the same CallInfo serves both.
  const encodings = new WeakMap<CallInfo, 'float' | 'base64'>()
  return {
    request(req, call) {
      const body = embedBody(req, provider, call.model, defaultInputType)
      encodings.set(call, req.encoding_format === 'base64' ? 'base64' : 'float')
      return { path: '/v2/embed', body }
    },
    response(body, call) {
      return fromCohereEmbed(body, provider, call.model, encodings.get(call) ?? 'float')
    },
  }
}

export function embedBody(req: EmbeddingRequest, provider: string, model: string, defaultInputType: InputType): CohereEmbedRequest {
  for (const [key, value] of Object.entries(req))
    if (!KNOWN.has(key) && value != null) throw unsupported(provider, key, 'this OpenAI parameter has no Cohere equivalent; Cohere-only fields go under `cohere`')
  const texts = typeof req.input === 'string' ? [req.input] : req.input
  if (!Array.isArray(texts) || texts.length === 0 || !texts.every((t): t is string => typeof t === 'string'))
    throw unsupported(provider, 'input', 'Cohere embeds texts, not token arrays')
  const inputType = req.input_type ?? defaultInputType
  if (typeof inputType !== 'string' || !(INPUT_TYPES as readonly string[]).includes(inputType)) throw invalid('input_type', `\`input_type\` must be one of ${INPUT_TYPES.join(', ')}`)
  if (req.encoding_format != null && req.encoding_format !== 'float' && req.encoding_format !== 'base64') throw unsupported(provider, 'encoding_format', 'use "float" or "base64"')
  const body: CohereEmbedRequest = { model, texts, input_type: inputType, embedding_types: ['float'] }
  if (req.dimensions != null) body.output_dimension = req.dimensions
  if (req.cohere == null) return body
  if (!isPlainObject(req.cohere)) throw invalid('cohere', '`cohere` must be an object of Cohere embed fields')
  return deepMerge(body, req.cohere) as CohereEmbedRequest
}

/** A Cohere embed answer (`embeddings_by_type` or the older `embeddings_floats`) as an OpenAI list. */
export function fromCohereEmbed(body: unknown, provider: string, model: string, encoding: 'float' | 'base64'): EmbeddingResponse {
  const res = body as CohereEmbedResponse | null
  const embeddings = res?.embeddings
  const vectors = Array.isArray(embeddings) ? embeddings : embeddings?.float
  if (!Array.isArray(vectors)) throw new GatewayError(502, 'provider_invalid_response', `Provider "${provider}" answered without float embeddings`)
  const tokens = res?.meta?.billed_units?.input_tokens ?? res?.meta?.tokens?.input_tokens ?? 0
  return {
    object: 'list',
    data: vectors.map((vector, index) => ({ object: 'embedding', index, embedding: encoding === 'base64' ? toBase64(vector) : vector })),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  }
}

/** OpenAI's base64 encoding: the vector as little-endian float32. */
function toBase64(vector: number[]): string {
  const bytes = Buffer.alloc(vector.length * 4)
  vector.forEach((value, i) => bytes.writeFloatLE(value, i * 4))
  return bytes.toString('base64')
}
