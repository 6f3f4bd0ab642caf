import { z } from 'zod'
import { defineProvider, providerOptionsSchema } from '@sluice/sdk'
import { openAICompatible } from './adapter.js'
import { AZURE_DEFAULT_API_VERSION, azureAuth, azureBaseURL, azurePaths } from './azure.js'
import { PRESETS, PRESET_NAMES } from './presets.js'

export const optionsSchema = providerOptionsSchema
  .extend({
    /** Fills `id` and `baseURL` for a known upstream. */
    preset: z.enum(PRESET_NAMES).default('openai'),
    /** Azure: the resource name (`https://{resource}.openai.azure.com`), unless `baseURL` is given. */
    resource: z.string().min(1).optional(),
    /** Azure: the `api-version` query parameter. */
    apiVersion: z.string().min(1).default(AZURE_DEFAULT_API_VERSION),
    /** Azure: model name → deployment name; a model without one uses its own name. */
    deployments: z.record(z.string(), z.string().min(1)).default({}),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (PRESETS[o.preset].needsKey && o.keys.length === 0)
      ctx.addIssue({ code: 'custom', path: ['keys'], message: `at least one key is required for ${o.preset}` })
    if (o.preset === 'azure' && !o.resource && !o.baseURL)
      ctx.addIssue({ code: 'custom', path: ['resource'], message: 'Azure needs `resource` (or `baseURL`)' })
  })

export type OpenAIProviderOptions = z.input<typeof optionsSchema>

/**
 * OpenAI and every OpenAI-compatible upstream (Groq, Mistral, Together, Fireworks, DeepSeek, xAI,
 * OpenRouter, Cerebras, Perplexity, Ollama, vLLM, LM Studio), and Azure OpenAI deployments.
 *
 * @example
 * // sluice.config.json
 * { "plugins": [["@sluice/provider-openai", { "preset": "groq", "keys": [{ "value": "${GROQ_API_KEY}" }], "models": ["llama-3.3-70b-versatile"] }]] }
 */
export default defineProvider({
  name: '@sluice/provider-openai',
  options: optionsSchema,
  create(o) {
    const common = { id: o.id ?? o.preset, keys: o.keys, headers: o.headers, timeoutMs: o.timeoutMs, maxConcurrent: o.maxConcurrent }
    if (o.preset === 'azure') {
      const azure = { resource: o.resource, baseURL: o.baseURL, apiVersion: o.apiVersion, deployments: o.deployments }
      return openAICompatible({
        ...common,
        kind: 'azure-openai',
        baseURL: azureBaseURL(azure),
        models: o.models.length ? o.models : Object.keys(o.deployments),
        paths: azurePaths(azure),
        auth: azureAuth,
      })
    }
    return openAICompatible({ ...common, baseURL: o.baseURL ?? PRESETS[o.preset].baseURL, models: o.models })
  },
})

export { openAICompatible } from './adapter.js'
export type { OpenAICompatibleOptions } from './adapter.js'
export { mapOpenAIError } from './errors.js'
export { openAIChunks, openAIFacts } from './stream.js'
export { PRESETS } from './presets.js'
export type { PresetName } from './presets.js'
