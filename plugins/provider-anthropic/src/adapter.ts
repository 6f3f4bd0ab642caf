import type { ProviderAdapter } from '@sluice/sdk'
import { mapAnthropicError } from './errors.js'
import { toAnthropicRequest } from './request.js'
import { fromMessage } from './response.js'
import { anthropicChunks, anthropicFacts } from './stream.js'

export interface AnthropicAdapterOptions extends Pick<ProviderAdapter, 'id' | 'baseURL' | 'keys' | 'models' | 'headers' | 'timeoutMs' | 'maxConcurrent'> {
  kind?: string
  /** The `anthropic-version` header. */
  version: string
  /** `anthropic-beta` values sent on every call (clients add their own per request). */
  beta: string[]
  /** `max_tokens` when a request names none (Anthropic requires it). */
  defaultMaxTokens: number
}

/**
 * A ProviderAdapter for the Anthropic Messages API (`POST /v1/messages`). Its wire format is
 * `anthropic`: a request from an Anthropic client goes up byte for byte and the answer comes
 * back the same way; OpenAI-shaped requests are translated both ways.
 *
 * @example
 * const adapter = anthropicAdapter({ id: 'anthropic', baseURL: 'https://api.anthropic.com', keys, models: ['claude-*'], headers: {}, timeoutMs: 60_000, version: '2023-06-01', beta: [], defaultMaxTokens: 4096 })
 */
export function anthropicAdapter(options: AnthropicAdapterOptions): ProviderAdapter {
  const { id, version, beta } = options
  return {
    id,
    kind: options.kind ?? 'anthropic',
    wireFormat: 'anthropic',
    baseURL: options.baseURL.replace(/\/+$/, ''),
    keys: options.keys,
    models: options.models,
    headers: options.headers,
    timeoutMs: options.timeoutMs,
    maxConcurrent: options.maxConcurrent,
    auth: (key): Record<string, string> => (key ? { 'x-api-key': key, 'anthropic-version': version } : { 'anthropic-version': version }),
    chat: {
      request: (req, call) => {
        const { body, betas } = toAnthropicRequest(req, call.model, call.stream, { provider: id, defaultMaxTokens: options.defaultMaxTokens })
        const all = [...new Set([...beta, ...betas])]
        return { path: '/v1/messages', body, ...(all.length ? { headers: { 'anthropic-beta': all.join(',') } } : {}) }
      },
      response: (body, call) => fromMessage(body, id, call.model),
      stream: (events, call) => anthropicChunks(events, id, call.model),
      inspect: (event) => anthropicFacts(event, id),
    },
    error: (info) => mapAnthropicError(info, id),
  }
}
