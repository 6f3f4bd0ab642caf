import type { FrontDoorCodec } from '../codec.js'
import { anthropicError } from './errors.js'
import { toAnthropicMessage } from './render.js'
import { AnthropicStreamEncoder } from './stream.js'

/**
 * The Anthropic wire format. Its name, `anthropic`, is the Anthropic provider's wire format too:
 * the engine then forwards the client's bytes and the upstream's answer unchanged, and this
 * codec only speaks for other upstreams, plugin answers and errors.
 */
export const anthropicCodec: FrontDoorCodec = {
  format: 'anthropic',
  error: (error) => ({ status: error.status, body: JSON.stringify(anthropicError(error)) }),
  chat: (response) => JSON.stringify(toAnthropicMessage(response)),
  chatStream: () => new AnthropicStreamEncoder(),
}
