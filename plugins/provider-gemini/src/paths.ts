/** Where a model's methods live, relative to the provider's base URL. */
export type ModelPath = (model: string) => string

/** Gemini API: `models/{model}`; `models/…` and `tunedModels/…` names are taken as they are. */
export const geminiModelPath: ModelPath = (model) => (/^(models|tunedModels)\//.test(model) ? model : `models/${model}`)

/**
 * Vertex AI, under `projects/{p}/locations/{l}`: Google's models by default, `publisher/model` for
 * partner models, and `publishers/…` or `endpoints/…` (tuned and deployed models) as they are.
 */
export const vertexModelPath: ModelPath = (model) => {
  if (/^(publishers|endpoints)\//.test(model)) return model
  const slash = model.indexOf('/')
  return slash > 0 ? `publishers/${model.slice(0, slash)}/models/${model.slice(slash + 1)}` : `publishers/google/models/${model}`
}
