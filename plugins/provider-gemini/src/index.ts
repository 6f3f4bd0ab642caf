import { z } from 'zod'
import { defineProvider, providerOptionsSchema } from '@sluice/sdk'
import { geminiAdapter } from './adapter.js'
import { batchEmbeddings, predictEmbeddings } from './embeddings.js'
import { geminiModelPath, vertexModelPath } from './paths.js'
import { vertexAuth, vertexBaseURL } from './vertex.js'

export const GEMINI_BASE_URL = 'https://generativelanguage.googleapis.com/v1beta'

const serviceAccount = z.union([
  z.record(z.string(), z.unknown()),
  // A key pasted into an environment variable: `"credentials": "${GOOGLE_SA_JSON}"`.
  z.string().transform((text, ctx) => {
    try {
      return JSON.parse(text) as Record<string, unknown>
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not a JSON service-account key' })
      return z.NEVER
    }
  }),
])

export const vertexSchema = z
  .object({
    project: z.string().min(1),
    /** A region such as `us-central1`, or `global`. */
    location: z.string().regex(/^[a-z0-9-]+$/, 'a region such as us-central1, or global').default('us-central1'),
    /** A service-account key (object or JSON text); without it and `keyFile`, Application Default Credentials. */
    credentials: serviceAccount.optional(),
    /** A path to a service-account key file, relative to the config file. */
    keyFile: z.string().min(1).optional(),
    apiVersion: z.enum(['v1', 'v1beta1']).default('v1'),
  })
  .strict()
  .refine((v) => !(v.credentials && v.keyFile), { message: 'give `credentials` or `keyFile`, not both', path: ['keyFile'] })

export const optionsSchema = providerOptionsSchema
  .extend({
    /** Use Vertex AI (OAuth from a service account) instead of the Gemini API (API keys). */
    vertex: vertexSchema.optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (!o.vertex && o.keys.length === 0 && !o.baseURL)
      ctx.addIssue({ code: 'custom', path: ['keys'], message: 'at least one key is required for the Gemini API (or set `vertex`)' })
    // Vertex authenticates with OAuth; keys there would be silently unused.
    if (o.vertex && o.keys.length > 0) ctx.addIssue({ code: 'custom', path: ['keys'], message: 'Vertex AI uses `vertex.credentials`/`keyFile` (OAuth), not keys' })
  })

export type GeminiProviderOptions = z.input<typeof optionsSchema>

/**
 * Google Gemini: the Gemini API (`x-goog-api-key`) or Vertex AI (OAuth from a service account),
 * chat (generateContent, streamGenerateContent with SSE) and embeddings.
 *
 * @example
 * // sluice.config.json
 * { "plugins": [["@sluice/provider-gemini", { "keys": [{ "value": "${GEMINI_API_KEY}" }], "models": ["gemini-2.5-flash"] }]] }
 * // Vertex AI
 * { "plugins": [["@sluice/provider-gemini", { "vertex": { "project": "acme-ai", "location": "europe-west4", "keyFile": "./sa.json" }, "models": ["gemini-2.5-pro"] }]] }
 */
export default defineProvider({
  name: '@sluice/provider-gemini',
  options: optionsSchema,
  create(o, context) {
    const common = { keys: o.keys, models: o.models, headers: o.headers, timeoutMs: o.timeoutMs, maxConcurrent: o.maxConcurrent }
    if (o.vertex) {
      const id = o.id ?? 'vertex'
      const vertex = o.vertex
      const baseURL = vertexBaseURL(vertex, o.baseURL)
      const resource = (model: string) => `projects/${vertex.project}/locations/${vertex.location}/${vertexModelPath(model)}`
      // Vertex's Gemini embedding models speak batchEmbedContents; its older text models :predict.
      const batch = batchEmbeddings(id, vertexModelPath, resource)
      const predict = predictEmbeddings(id, vertexModelPath)
      const usesBatch = (model: string) => model.includes('gemini') && !model.endsWith('gemini-embedding-001')
      return geminiAdapter({
        ...common,
        id,
        kind: 'vertex',
        baseURL,
        auth: vertexAuth(id, vertex, context.configDir),
        modelPath: vertexModelPath,
        embeddings: {
          request: (req, call) => (usesBatch(call.model) ? batch : predict).request(req, call),
          response: (body, call) => (usesBatch(call.model) ? batch : predict).response(body, call),
        },
      })
    }
    const id = o.id ?? 'gemini'
    return geminiAdapter({
      ...common,
      id,
      kind: 'gemini',
      baseURL: o.baseURL ?? GEMINI_BASE_URL,
      auth: (key): Record<string, string> => (key ? { 'x-goog-api-key': key } : {}),
      modelPath: geminiModelPath,
      embeddings: batchEmbeddings(id, geminiModelPath, geminiModelPath),
    })
  },
})

export { geminiAdapter } from './adapter.js'
export type { GeminiAdapterOptions } from './adapter.js'
export { mapGoogleError } from './errors.js'
export { toGenerateContent } from './request.js'
export { fromGenerateContent } from './response.js'
export { geminiChunks, geminiFacts } from './stream.js'
export { vertexAuth, vertexBaseURL } from './vertex.js'
export type { VertexOptions } from './vertex.js'
export { geminiModelPath, vertexModelPath } from './paths.js'
export type * from './types.js'
