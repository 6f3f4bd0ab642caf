import type { PluginEntry, SluiceConfigInput } from '@sluice/sdk'

/** OpenAI-compatible presets switched on when their key is in the environment. */
const ENV_PROVIDERS: [preset: string, variable: string][] = [
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

/**
 * The config used when none is given: the mock provider (so the gateway answers out of the box),
 * plus every provider whose API key is in the environment. Keys stay `${VAR}` references.
 */
export function defaultConfig(env: NodeJS.ProcessEnv = process.env): SluiceConfigInput {
  const plugins: PluginEntry[] = [['@sluice/mock-provider', { models: ['mock-1', 'mock-embed'] }]]
  for (const [preset, variable] of ENV_PROVIDERS)
    if (env[variable]) plugins.push(['@sluice/provider-openai', { preset, keys: [{ value: `\${${variable}}` }] }])
  return { server: { host: env.SLUICE_HOST ?? '127.0.0.1', port: Number(env.SLUICE_PORT ?? 8080) }, plugins }
}
