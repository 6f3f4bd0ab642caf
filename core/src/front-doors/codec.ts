import type { ChatChunk, ChatRequest, ChatResponse, EmbeddingResponse, GatewayError, WireFormat } from '@sluice/sdk'

/** Writes one stream in a front door's wire format. One encoder per response (it may keep state). */
export interface StreamEncoder {
  /** SSE text for one canonical chunk ('' to send nothing). */
  chunk(chunk: ChatChunk): string
  /** SSE text that ends a complete stream. */
  end(): string
  /** SSE text that ends a stream which failed after its first byte. */
  error(error: GatewayError): string
}

/**
 * How a front door speaks: renders canonical answers and errors in its wire format. The
 * engine does everything else (lifecycle, routing, upstream, pass-through).
 */
export interface FrontDoorCodec {
  format: WireFormat
  error(error: GatewayError): { status: number; body: string }
  chat(response: ChatResponse): string
  /** An encoder for one stream; `request` is the canonical request as the client sent it. */
  chatStream(request?: ChatRequest): StreamEncoder
  embeddings?(response: EmbeddingResponse): string
}
