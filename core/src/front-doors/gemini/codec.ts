import type { FrontDoorCodec } from '../codec.js'
import { embedResponse } from './embeddings.js'
import type { EmbedMethod } from './embeddings.js'
import { googleError } from './errors.js'
import { toGenerateContentResponse } from './render.js'
import { GeminiStreamEncoder } from './stream.js'
import type { StreamFraming } from './stream.js'

export interface GeminiCodecOptions {
  /** How streams are written: `sse` for `?alt=sse`, `json` for Google's default JSON array. */
  framing?: StreamFraming
  /** For embedding routes: which answer shape the client called for. */
  embed?: EmbedMethod
}

/**
 * The Gemini wire format, one codec per request (its stream encoder is kept, so an error after
 * the stream began is written into the same JSON array).
 *
 * The format name decides byte pass-through, which the engine does when it equals the upstream's
 * wire format. Only generateContent and SSE streams are `gemini`. A JSON-array stream must not get
 * a Gemini upstream's SSE bytes, and embeddings differ in shape between the Gemini API
 * (batchEmbedContents) and Vertex AI (:predict), so both go through canonical form instead.
 */
export function geminiCodec({ framing = 'sse', embed }: GeminiCodecOptions = {}): FrontDoorCodec {
  let encoder: GeminiStreamEncoder | undefined
  return {
    format: embed ? 'gemini-embeddings' : framing === 'sse' ? 'gemini' : 'gemini-json-stream',
    error: (error) => ({ status: error.status, body: JSON.stringify(googleError(error)) }),
    chat: (response) => JSON.stringify(toGenerateContentResponse(response)),
    chatStream: () => (encoder ??= new GeminiStreamEncoder(framing)),
    embeddings: (response) => JSON.stringify(embedResponse(response, embed ?? 'batchEmbedContents')),
  }
}
