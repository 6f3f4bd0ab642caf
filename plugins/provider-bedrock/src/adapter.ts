import type { ProviderAdapter, ProviderKey } from '@sluice/sdk'
import { credentialsOf } from './credentials.js'
import { mapBedrockError } from './errors.js'
import { conversePath } from './paths.js'
import { toConverse } from './request.js'
import { fromConverse } from './response.js'
import { signRequest } from './sign.js'
import { converseChunks } from './stream.js'

export const EVENT_STREAM = 'application/vnd.amazon.eventstream'

export interface BedrockAdapterOptions {
  id: string
  /** Signs for this region (the endpoint's, unless a proxy stands in front of it). */
  region: string
  baseURL: string
  /** `ACCESS_KEY_ID:SECRET_ACCESS_KEY[:SESSION_TOKEN]`. */
  keys: ProviderKey[]
  models: string[]
  headers: Record<string, string>
  timeoutMs: number
  maxConcurrent?: number
  /** The signing clock; tests fix it. */
  now?: () => Date
}

/**
 * A ProviderAdapter for the Bedrock Runtime Converse API. Every request is signed with SigV4
 * (service `bedrock`) for the key core chose; the signature covers the body's bytes, so the body
 * is serialized here and sent by core as it is, and `auth()` adds nothing. Streams are binary
 * event-stream frames, read with `streamBytes`.
 */
export function bedrockAdapter(options: BedrockAdapterOptions): ProviderAdapter {
  const { id, region } = options
  const baseURL = options.baseURL.replace(/\/+$/, '')
  const spelling = new Map(Object.keys(options.headers).map((name) => [name.toLowerCase(), name]))
  return {
    id,
    kind: 'bedrock',
    wireFormat: 'bedrock',
    baseURL,
    keys: options.keys,
    models: options.models,
    headers: options.headers,
    timeoutMs: options.timeoutMs,
    maxConcurrent: options.maxConcurrent,
    auth: () => ({}),
    chat: {
      // Converse reports usage on every answer, streams included: nothing to ask for when call.usage is set.
      async request(req, call) {
        const path = conversePath(call.model, call.stream)
        const body = JSON.stringify(toConverse(req, id, call.model))
        const signed = await signRequest({
          method: 'POST',
          url: new URL(baseURL + path),
          // The configured headers are signed too: AWS wants every x-amz-* header it receives signed.
          headers: { ...options.headers, 'content-type': 'application/json', accept: call.stream ? EVENT_STREAM : 'application/json' },
          body,
          credentials: credentialsOf(call.key, id),
          region,
          service: 'bedrock',
          date: options.now?.(),
        })
        // Configured headers keep their spelling: core merges them with ours, and one header sent
        // under two spellings would reach AWS as one joined value, which no longer matches.
        const headers = Object.fromEntries(Object.entries(signed).map(([name, value]) => [spelling.get(name) ?? name, value]))
        return { path, headers, body, bodyChanged: true }
      },
      response: (body, call) => fromConverse(body, id, call.model),
      streamBytes: (body, call) => converseChunks(body, id, call.model),
      streamContentType: EVENT_STREAM,
    },
    error: (info) => mapBedrockError(info, id),
  }
}
