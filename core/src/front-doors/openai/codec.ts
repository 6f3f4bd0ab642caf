import type { ChatChunk, GatewayError } from '@sluice/sdk'
import type { FrontDoorCodec, StreamEncoder } from '../codec.js'

const DONE = 'data: [DONE]\n\n'

const withUsage: StreamEncoder = {
  chunk: (chunk: ChatChunk) => `data: ${JSON.stringify(chunk)}\n\n`,
  end: () => DONE,
  // The official SDKs raise an APIError for a data event carrying `error`.
  error: (error: GatewayError) => `data: ${JSON.stringify(error.toJSON())}\n\n`,
}

const withoutUsage: StreamEncoder = {
  ...withUsage,
  chunk: (chunk: ChatChunk) => (chunk.choices.length === 0 && chunk.usage ? '' : withUsage.chunk(chunk)),
}

/** The OpenAI wire format: canonical shapes as they are; errors as `{ error: {...} }`. */
export const openAICodec: FrontDoorCodec = {
  format: 'openai',
  error: (error) => ({ status: error.status, body: JSON.stringify(error.toJSON()) }),
  chat: (response) => JSON.stringify(response),
  // Usage the gateway asked for on the client's behalf is not the client's to receive.
  chatStream: (request) => (request && !request.stream_options?.include_usage ? withoutUsage : withUsage),
  embeddings: (response) => JSON.stringify(response),
}
