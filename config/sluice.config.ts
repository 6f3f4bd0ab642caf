/**
 * The config `npm start` serves: the deterministic mock provider (so the gateway answers out of
 * the box, offline), plus every OpenAI-compatible provider whose API key is in the environment.
 * Copy it, or write your own in JSON or YAML (see config/examples/).
 */
import { defineConfig } from '@sluice/sdk'
import type { PluginEntry } from '@sluice/sdk'

const envProviders: [preset: string, variable: string][] = [
  ['openai', 'OPENAI_API_KEY'],
  ['groq', 'GROQ_API_KEY'],
  ['mistral', 'MISTRAL_API_KEY'],
  ['together', 'TOGETHER_API_KEY'],
  ['fireworks', 'FIREWORKS_API_KEY'],
  ['deepseek', 'DEEPSEEK_API_KEY'],
  ['xai', 'XAI_API_KEY'],
  ['openrouter', 'OPENROUTER_API_KEY'],
  ['cerebras', 'CEREBRAS_API_KEY'],
  ['perplexity', 'PERPLEXITY_API_KEY'],
]

const plugins: PluginEntry[] = [['@sluice/mock-provider', { models: ['mock-1', 'mock-embed'] }]]
for (const [preset, variable] of envProviders)
  if (process.env[variable]) plugins.push(['@sluice/provider-openai', { preset, keys: [{ value: `\${${variable}}` }] }])

export default defineConfig({
  server: { host: process.env.SLUICE_HOST ?? '127.0.0.1', port: Number(process.env.SLUICE_PORT ?? 8080) },
  plugins,
})
