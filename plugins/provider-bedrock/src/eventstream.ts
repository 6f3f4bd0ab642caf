import { GatewayError } from '@sluice/sdk'
import { EventStreamCodec } from '@smithy/eventstream-codec'
import type { Message } from '@smithy/eventstream-codec'
import { fromUtf8, toUtf8 } from '@smithy/util-utf8'

const codec = new EventStreamCodec(toUtf8, fromUtf8)

/** Prelude (total length, headers length, prelude CRC) and message CRC: the smallest frame. */
const MIN_FRAME = 16

/**
 * Cuts a byte stream into `application/vnd.amazon.eventstream` frames. Network reads end anywhere,
 * inside a prelude or a payload, so bytes wait until the 4-byte total length at the front of the
 * next frame says it is all there. Parts are joined once per frame (linear, however small the reads).
 */
export class FrameReader {
  #parts: Buffer[] = []
  #size = 0

  /** The frames completed by these bytes. */
  push(bytes: Uint8Array): Uint8Array[] {
    if (bytes.length) {
      this.#parts.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
      this.#size += bytes.length
    }
    const frames: Uint8Array[] = []
    while (this.#size >= 4) {
      const total = this.#head().readUInt32BE(0)
      if (total < MIN_FRAME) throw new Error(`an event-stream frame claims ${total} bytes`)
      if (this.#size < total) break
      const all = this.#parts.length === 1 ? this.#parts[0] : Buffer.concat(this.#parts, this.#size)
      frames.push(all.subarray(0, total))
      const rest = all.subarray(total)
      this.#parts = rest.length ? [rest] : []
      this.#size = rest.length
    }
    return frames
  }

  /** Bytes left over when the stream ends: a frame cut short. */
  get pending(): number {
    return this.#size
  }

  /** The first part holds the whole length prefix (joined when a read split it). */
  #head(): Buffer {
    if (this.#parts[0].length < 4) this.#parts = [Buffer.concat(this.#parts, this.#size)]
    return this.#parts[0]
  }
}

/**
 * An upstream body as decoded event-stream messages (headers and payload bytes; checksums
 * verified by the codec). A corrupt or cut frame is a 502.
 */
export async function* eventStreamMessages(body: AsyncIterable<Uint8Array>, provider: string): AsyncGenerator<Message> {
  const reader = new FrameReader()
  for await (const bytes of body) {
    let frames: Uint8Array[]
    try {
      frames = reader.push(bytes)
    } catch (error) {
      throw invalidStream(provider, error)
    }
    for (const frame of frames) {
      let message: Message
      try {
        message = codec.decode(frame)
      } catch (error) {
        throw invalidStream(provider, error)
      }
      yield message
    }
  }
  if (reader.pending) throw new GatewayError(502, 'provider_error', `Provider "${provider}" ended its stream in the middle of an event`)
}

function invalidStream(provider: string, error: unknown): GatewayError {
  const why = error instanceof Error ? error.message : String(error)
  return new GatewayError(502, 'provider_invalid_response', `Provider "${provider}" sent a malformed event stream (${why})`, { cause: error })
}

/** A string header's value (`:event-type`, `:message-type` …). */
export function headerValue(message: Message, name: string): string | undefined {
  const header = message.headers[name]
  return header && header.type === 'string' ? header.value : undefined
}

/** The message payload as JSON (an empty payload is `{}`). */
export function payloadJson(message: Message, provider: string): unknown {
  if (!message.body.length) return {}
  const text = toUtf8(message.body)
  try {
    return JSON.parse(text)
  } catch {
    throw new GatewayError(502, 'provider_invalid_response', `Provider "${provider}" sent a stream event whose payload is not JSON`)
  }
}
