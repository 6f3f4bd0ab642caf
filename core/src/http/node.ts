import type { IncomingMessage, ServerResponse } from 'node:http'
import type { H3Event } from 'h3'
import { GatewayError } from '@sluice/sdk'
import type { FrontDoorCodec } from '../front-doors/codec.js'

/** Tells h3 the handler wrote the response itself (h3's `kHandled`). */
export const HANDLED = Symbol.for('h3.handled')

export interface NodePair {
  req: IncomingMessage
  res: ServerResponse
}

/** The data plane writes to node:http directly: no web-stream copies, real backpressure. */
export function nodeOf(event: H3Event): NodePair {
  const node = (event.runtime as { node?: NodePair } | undefined)?.node
  if (!node?.req || !node.res) throw new Error('Sluice needs the Node.js runtime (node:http)')
  return node
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): typeof HANDLED {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers })
  res.end(text)
  return HANDLED
}

export function sendError(res: ServerResponse, codec: FrontDoorCodec, error: GatewayError): typeof HANDLED {
  if (res.headersSent) {
    res.end()
    return HANDLED
  }
  const rendered = codec.error(error)
  res.writeHead(rendered.status, { 'content-type': 'application/json', ...error.headers })
  res.end(rendered.body)
  return HANDLED
}

export function methodNotAllowed(method: string | undefined, allowed: string): GatewayError {
  return new GatewayError(405, 'caller_method_not_allowed', `Method ${method} is not allowed here; use ${allowed}`, { headers: { allow: allowed } })
}
