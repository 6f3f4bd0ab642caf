/** Hosted and local OpenAI-compatible upstreams: default base URL, and whether a key is needed. */
export interface Preset {
  baseURL: string
  needsKey: boolean
}

export const PRESETS = {
  openai: { baseURL: 'https://api.openai.com/v1', needsKey: true },
  groq: { baseURL: 'https://api.groq.com/openai/v1', needsKey: true },
  mistral: { baseURL: 'https://api.mistral.ai/v1', needsKey: true },
  together: { baseURL: 'https://api.together.xyz/v1', needsKey: true },
  fireworks: { baseURL: 'https://api.fireworks.ai/inference/v1', needsKey: true },
  deepseek: { baseURL: 'https://api.deepseek.com/v1', needsKey: true },
  xai: { baseURL: 'https://api.x.ai/v1', needsKey: true },
  openrouter: { baseURL: 'https://openrouter.ai/api/v1', needsKey: true },
  cerebras: { baseURL: 'https://api.cerebras.ai/v1', needsKey: true },
  perplexity: { baseURL: 'https://api.perplexity.ai', needsKey: true },
  ollama: { baseURL: 'http://127.0.0.1:11434/v1', needsKey: false },
  vllm: { baseURL: 'http://127.0.0.1:8000/v1', needsKey: false },
  lmstudio: { baseURL: 'http://127.0.0.1:1234/v1', needsKey: false },
  azure: { baseURL: '', needsKey: true },
} as const satisfies Record<string, Preset>

export type PresetName = keyof typeof PRESETS

export const PRESET_NAMES = Object.keys(PRESETS) as [PresetName, ...PresetName[]]
