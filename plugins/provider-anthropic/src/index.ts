import { z } from 'zod'
import { defineProvider, providerOptionsSchema } from '@sluice/sdk'
import { anthropicAdapter } from './adapter.js'

export const ANTHROPIC_BASE_URL = 'https://api.anthropic.com'

export const optionsSchema = providerOptionsSchema
  .extend({
    /** The `anthropic-version` header. */
    version: z.string().min(1).default('2023-06-01'),
    /** `anthropic-beta` values for every call, e.g. `["files-api-2025-04-14"]`. */
    beta: z.array(z.string().min(1)).default([]),
    /** `max_tokens` for requests that name none: Anthropic requires it, OpenAI clients often omit it. */
    defaultMaxTokens: z.number().int().positive().default(4096),
  })
  .strict()
  .superRefine((o, ctx) => {
    // A proxy in front of Anthropic (baseURL) may hold the key itself.
    if (o.keys.length === 0 && !o.baseURL) ctx.addIssue({ code: 'custom', path: ['keys'], message: 'at least one key is required for api.anthropic.com' })
  })

export type AnthropicProviderOptions = z.input<typeof optionsSchema>

/**
 * Anthropic's Messages API. Anthropic clients (through the `/anthropic` front door) pass
 * through byte for byte; OpenAI-shaped requests are translated.
 *
 * @example
 * // sluice.config.json
 * { "plugins": [["@sluice/provider-anthropic", { "keys": [{ "value": "${ANTHROPIC_API_KEY}" }], "models": ["claude-sonnet-4-5", "claude-haiku-4-5"] }]] }
 */
export default defineProvider({
  name: '@sluice/provider-anthropic',
  options: optionsSchema,
  create: (o) =>
    anthropicAdapter({
      id: o.id ?? 'anthropic',
      baseURL: o.baseURL ?? ANTHROPIC_BASE_URL,
      keys: o.keys,
      models: o.models,
      headers: o.headers,
      timeoutMs: o.timeoutMs,
      maxConcurrent: o.maxConcurrent,
      version: o.version,
      beta: o.beta,
      defaultMaxTokens: o.defaultMaxTokens,
    }),
})

export { anthropicAdapter } from './adapter.js'
export type { AnthropicAdapterOptions } from './adapter.js'
export { mapAnthropicError, streamError } from './errors.js'
export { toAnthropicRequest } from './request.js'
export type { RequestOptions } from './request.js'
export { toAnthropicMessages } from './messages.js'
export type { ThinkingBlock } from './messages.js'
export { fromMessage } from './response.js'
export { anthropicChunks, anthropicFacts } from './stream.js'
export { finishReason, toUsage } from './usage.js'
export type * from './types.js'
