import type { ChatChunk, GatewayError } from '@sluice/sdk'
import type { FrontDoorCodec, StreamEncoder } from '../codec.js'

const DONE = 'data: [DONE]\n\n'

const encoder: StreamEncoder = {
  chunk: (chunk: ChatChunk) => `data: ${JSON.stringify(chunk)}\n\n`,
  end: () => DONE,
  // The official SDKs raise an APIError for a data event carrying `error`.
  error: (error: GatewayError) => `data: ${JSON.stringify(error.toJSON())}\n\n`,
}

/** The OpenAI wire format: canonical shapes as they are; errors as `{ error: {...} }`. */
export const openAICodec: FrontDoorCodec = {
  format: 'openai',
  error: (error) => ({ status: error.status, body: JSON.stringify(error.toJSON()) }),
  chat: (response) => JSON.stringify(response),
  chatStream: () => encoder,
  embeddings: (response) => JSON.stringify(response),
}
