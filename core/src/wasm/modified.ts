/**
 * Checks a plugin's `modify` against the request being served. The worker decodes the output
 * without knowing the request (see abi.ts); this runs in the adapter, which does, on an object
 * already parsed (no untrusted bytes on the event loop). Kept apart from abi.ts so the workers
 * do not load the request schemas.
 */
import { isGatewayError } from '@sluice/sdk'
import type { Operation } from '@sluice/sdk'
import { parseChatRequest, parseEmbeddingRequest } from '../front-doors/openai/schema.js'

/**
 * A chat request stays a valid chat request, an embeddings request a valid embeddings request, and
 * `stream` is unchanged (the client already waits for one kind of answer). Otherwise a provider
 * adapter would fail on it as the gateway's own error, neither counted nor answered fail-open.
 * Returns the problem, or undefined.
 */
export function checkModifiedRequest(operation: Operation, stream: boolean, request: Record<string, unknown>): string | undefined {
  try {
    if (operation === 'chat') parseChatRequest(request)
    else parseEmbeddingRequest(request)
  } catch (error) {
    if (isGatewayError(error)) return `modify: the new request is not a valid ${operation} request (${error.message})`
    throw error
  }
  if ((request.stream === true) !== stream) return `modify: the new request may not change "stream" (it was ${stream})`
  return undefined
}

/** The same for a modified non-stream answer: the shape the front doors' encoders rely on. */
export function checkModifiedResponse(operation: Operation, response: Record<string, unknown>): string | undefined {
  if (operation === 'chat') {
    const choices = response.choices
    if (!Array.isArray(choices) || choices.length === 0 || !choices.every((c) => isObject(c) && isObject(c.message)))
      return 'modify: the new response needs "choices", each an object with a "message" object'
  } else if (!Array.isArray(response.data) || !response.data.every((d) => isObject(d) && (Array.isArray(d.embedding) || typeof d.embedding === 'string')))
    return 'modify: the new response needs "data", each an object with an "embedding"'
  return undefined
}

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value)
}
