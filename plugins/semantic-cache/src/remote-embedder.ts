import { Batcher } from './batcher.js'
import type { Embedder } from './local-embedder.js'
import { normalize } from './memory-index.js'

export interface RemoteEmbedderOptions {
  /** Base URL of an OpenAI-compatible API (`…/v1`); `/embeddings` is appended. */
  url: string
  model: string
  apiKey?: string
  /** Ask the service for vectors of this size (models that support it). */
  dimensions?: number
  timeoutMs: number
  /** Requests in flight at once. */
  concurrency: number
  maxBatch: number
  batchWindowMs: number
  maxChars: number
}

interface EmbeddingsAnswer {
  data?: { index?: number; embedding?: unknown }[]
}

/**
 * Embeddings from an OpenAI-compatible `POST /embeddings` (a provider, a local inference server,
 * or the gateway itself with an embedding model), batched like the local model: texts that
 * arrive together go in one request.
 */
export function createRemoteEmbedder(options: RemoteEmbedderOptions): Embedder {
  const endpoint = `${options.url.replace(/\/+$/, '')}/embeddings`
  const run = async (texts: string[]): Promise<Float32Array[]> => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) },
      body: JSON.stringify({ model: options.model, input: texts, ...(options.dimensions ? { dimensions: options.dimensions } : {}) }),
      signal: AbortSignal.timeout(options.timeoutMs),
    })
    // Never echo the body: an error may quote the key.
    if (!response.ok) throw new Error(`embedding service answered ${response.status}`)
    const answer = (await response.json()) as EmbeddingsAnswer
    const rows = answer.data ?? []
    if (rows.length !== texts.length) throw new Error(`embedding service returned ${rows.length} vectors for ${texts.length} texts`)
    const vectors: Float32Array[] = new Array(texts.length)
    rows.forEach((row, i) => {
      if (!Array.isArray(row.embedding) || !row.embedding.every((x) => typeof x === 'number')) throw new Error('embedding service returned a vector that is not an array of numbers')
      vectors[row.index ?? i] = normalize(Float32Array.from(row.embedding as number[]))
    })
    return vectors
  }
  const batcher = new Batcher({ run, concurrency: options.concurrency, windowMs: options.batchWindowMs, maxBatch: options.maxBatch })
  return {
    embed: (text) => batcher.embed(text.length > options.maxChars ? text.slice(-options.maxChars) : text),
    stats: batcher.stats,
    close: async () => {},
  }
}
