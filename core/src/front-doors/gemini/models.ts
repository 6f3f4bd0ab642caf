import type { ModelInfo } from '@sluice/sdk'

const CHAT_METHODS = ['generateContent', 'streamGenerateContent', 'embedContent', 'batchEmbedContents']

/** A gateway model as a Gemini Model resource (the methods are what the gateway routes, not a promise of the model). */
export function geminiModel(model: ModelInfo): Record<string, unknown> {
  return { name: `models/${model.id}`, baseModelId: model.id, displayName: model.id, description: `Served by "${model.owned_by}" through Sluice`, supportedGenerationMethods: CHAT_METHODS }
}
