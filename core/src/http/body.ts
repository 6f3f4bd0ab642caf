import type { IncomingMessage } from 'node:http'
import { GatewayError } from '@sluice/sdk'

/** Reads the whole request body, refusing past `limit` bytes with a 413. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'])
  if (declared > limit) return Promise.reject(tooLarge(limit))
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = []
    let size = 0
    const onData = (part: Buffer) => {
      size += part.length
      if (size > limit) {
        cleanup()
        // Stop reading; the connection is closed after the 413 is written.
        req.pause()
        reject(tooLarge(limit))
        return
      }
      parts.push(part)
    }
    const onEnd = () => {
      cleanup()
      resolve(parts.length === 1 ? parts[0] : Buffer.concat(parts, size))
    }
    const onError = (error: Error) => {
      cleanup()
      reject(new GatewayError(400, 'caller_aborted', `Request body could not be read: ${error.message}`))
    }
    const onClose = () => {
      if (req.complete) return
      cleanup()
      reject(new GatewayError(400, 'caller_aborted', 'The client closed the connection before the body was complete'))
    }
    const cleanup = () => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
      req.off('close', onClose)
    }
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
    req.on('close', onClose)
  })
}

function tooLarge(limit: number): GatewayError {
  return new GatewayError(413, 'caller_payload_too_large', `Request body is larger than the limit of ${limit} bytes`)
}

/** Parses a JSON body into an object, or throws a 400 saying what is wrong. */
export function parseJsonObject(raw: Buffer): Record<string, unknown> {
  if (raw.length === 0) throw new GatewayError(400, 'caller_invalid_json', 'Request body is empty; expected a JSON object')
  let value: unknown
  try {
    value = JSON.parse(raw.toString('utf8'))
  } catch (error) {
    throw new GatewayError(400, 'caller_invalid_json', `Request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`)
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new GatewayError(400, 'caller_invalid_json', 'Request body must be a JSON object')
  return value as Record<string, unknown>
}
