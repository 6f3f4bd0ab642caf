import { z } from 'zod'
import { defineProvider, providerOptionsSchema } from '@sluice/sdk'
import { cohereAdapter } from './adapter.js'
import { INPUT_TYPES } from './embeddings.js'

export const COHERE_BASE_URL = 'https://api.cohere.com'

export const optionsSchema = providerOptionsSchema
  .extend({
    /** The embed `input_type` when a request names none: `search_document` suits texts you store. */
    inputType: z.enum(INPUT_TYPES).default('search_document'),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.keys.length === 0 && !o.baseURL) ctx.addIssue({ code: 'custom', path: ['keys'], message: 'at least one Cohere API key is required' })
  })

export type CohereProviderOptions = z.input<typeof optionsSchema>

/**
 * Cohere's v2 API: chat (`/v2/chat`, plain and SSE stream) and embeddings (`/v2/embed`), with
 * `Authorization: Bearer` keys.
 *
 * @example
 * // sluice.config.json
 * { "plugins": [["@sluice/provider-cohere", { "keys": [{ "value": "${COHERE_API_KEY}" }], "models": ["command-a-03-2025", "embed-v4.0"] }]] }
 */
export default defineProvider({
  name: '@sluice/provider-cohere',
  options: optionsSchema,
  create: (o) =>
    cohereAdapter({
      id: o.id ?? 'cohere',
      baseURL: o.baseURL ?? COHERE_BASE_URL,
      keys: o.keys,
      models: o.models,
      headers: o.headers,
      timeoutMs: o.timeoutMs,
      maxConcurrent: o.maxConcurrent,
      inputType: o.inputType,
    }),
})

export { cohereAdapter } from './adapter.js'
export type { CohereAdapterOptions } from './adapter.js'
export { toCohereChat } from './request.js'
export { toCohereMessages } from './messages.js'
export { fromCohereChat } from './response.js'
export { cohereChunks } from './stream.js'
export { cohereEmbeddings, embedBody, fromCohereEmbed, INPUT_TYPES } from './embeddings.js'
export type { InputType } from './embeddings.js'
export { mapCohereError } from './errors.js'
export { finishReason } from './finish-reason.js'
export { usageFrom } from './usage.js'
export type * from './types.js'
