import type { ModelInfo } from '@sluice/sdk'

/** A model in the shape of Anthropic's `GET /v1/models`. */
export function anthropicModel(model: ModelInfo): { type: 'model'; id: string; display_name: string; created_at: string } {
  return { type: 'model', id: model.id, display_name: model.id, created_at: new Date(model.created * 1000).toISOString() }
}

/** One page holding every model (the gateway's list is short): `has_more` is always false. */
export function anthropicModelList(models: ModelInfo[]): Record<string, unknown> {
  const data = models.map(anthropicModel)
  return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null }
}
