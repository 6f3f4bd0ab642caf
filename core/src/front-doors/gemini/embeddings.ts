import type { EmbeddingRequest, EmbeddingResponse } from '@sluice/sdk'
import { invalid, isObject } from './invalid.js'

export type EmbedMethod = 'embedContent' | 'batchEmbedContents'

/** Per-item fields that become canonical ones or ride along under `gemini`. */
const ITEM_FIELDS = ['taskType', 'title', 'outputDimensionality'] as const

/**
 * embedContent (`{ content, taskType?, title?, outputDimensionality? }`) and batchEmbedContents
 * (`{ requests: [...] }`) → the canonical embedding request. A batch is one canonical request,
 * so its items must agree on taskType, title and outputDimensionality.
 */
export function parseEmbedRequest(body: Record<string, unknown>, model: string, method: EmbedMethod): EmbeddingRequest {
  const items: Record<string, unknown>[] = method === 'embedContent' ? [body] : batchItems(body)
  const texts = items.map((item, i) => contentText(item.content, method === 'embedContent' ? 'content' : `requests[${i}].content`))
  const first = items[0]
  for (const field of ITEM_FIELDS)
    items.forEach((item, i) => {
      if (JSON.stringify(item[field]) !== JSON.stringify(first[field])) throw invalid(`requests[${i}].${field}`, `requests[${i}].${field} differs from requests[0]; send items with different ${field} in separate calls`)
    })
  const req: EmbeddingRequest = { model, input: method === 'embedContent' ? texts[0] : texts }
  if (typeof first.outputDimensionality === 'number') req.dimensions = first.outputDimensionality
  const extra: Record<string, unknown> = {}
  if (first.taskType != null) extra.taskType = first.taskType
  if (first.title != null) extra.title = first.title
  if (Object.keys(extra).length) req.gemini = extra
  return req
}

function batchItems(body: Record<string, unknown>): Record<string, unknown>[] {
  const requests = body.requests
  if (!Array.isArray(requests) || requests.length === 0) throw invalid('requests', '`requests` is required and must be a non-empty array')
  return requests.map((item: unknown, i) => {
    if (!isObject(item)) throw invalid(`requests[${i}]`, `requests[${i}] must be an object`)
    return item
  })
}

function contentText(content: unknown, at: string): string {
  if (!isObject(content) || !Array.isArray(content.parts)) throw invalid(at, `${at} must be a Content with text parts`)
  return content.parts
    .map((p: unknown, k) => {
      if (!isObject(p) || typeof p.text !== 'string') throw invalid(`${at}.parts[${k}]`, `${at}.parts[${k}]: only text can be embedded here`)
      return p.text
    })
    .join('\n')
}

/** The canonical answer as Gemini's: `{ embedding }` or `{ embeddings: [...] }`. */
export function embedResponse(response: EmbeddingResponse, method: EmbedMethod): unknown {
  const vectors = [...response.data].sort((a, b) => a.index - b.index).map((d) => ({ values: typeof d.embedding === 'string' ? fromBase64(d.embedding) : d.embedding }))
  return method === 'embedContent' ? { embedding: vectors[0] ?? { values: [] } } : { embeddings: vectors }
}

function fromBase64(text: string): number[] {
  // Copied: a decoded Buffer may start at an offset a Float32Array cannot view.
  const bytes = new Uint8Array(Buffer.from(text, 'base64'))
  return Array.from(new Float32Array(bytes.buffer, 0, Math.floor(bytes.byteLength / 4)))
}
