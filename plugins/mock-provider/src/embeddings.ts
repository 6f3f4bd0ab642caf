import type { EmbeddingRequest, EmbeddingResponse } from '@sluice/sdk'
import { hash } from './reply.js'
import { countTokens } from './tokens.js'

/** A deterministic unit vector for a text (same text, same vector). */
export function vectorFor(text: string, dimensions: number): number[] {
  const values = Array.from({ length: dimensions }, (_, i) => ((hash(`${i}:${text}`) % 2001) - 1000) / 1000)
  const norm = Math.hypot(...values) || 1
  return values.map((v) => v / norm)
}

export function mockEmbeddings(req: EmbeddingRequest, model: string): EmbeddingResponse {
  const inputs: unknown[] = Array.isArray(req.input) ? req.input : [req.input]
  const texts = inputs.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)))
  const dimensions = req.dimensions ?? 8
  const data = texts.map((text, index) => {
    const vector = vectorFor(text, dimensions)
    // OpenAI's base64 form: little-endian float32.
    const embedding = req.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector
    return { object: 'embedding' as const, index, embedding }
  })
  const tokens = texts.reduce((sum, t) => sum + countTokens(t), 0)
  return { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } }
}
