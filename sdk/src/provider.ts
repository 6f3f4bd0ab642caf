import { z } from 'zod'
import type { GatewayError } from './errors.js'
import type { WireFormat } from './context.js'
import type {
  Usage,
  ChatChunk,
  ChatRequest,
  ChatResponse,
  EmbeddingRequest,
  EmbeddingResponse,
  ModelInfo,
} from './types/openai.js'

type Awaitable<T> = T | Promise<T>

/** One server-sent event as read from an upstream stream. */
export interface SseEvent {
  /** The `event:` field, when the upstream names its events (Anthropic does). */
  event?: string
  /** The `data:` lines joined with `\n`. */
  data: string
  id?: string
  /** The event's exact bytes as received, for byte pass-through. */
  raw: string
}

/** An HTTP call an adapter asks core to make. Core adds pooling, timeouts, aborts. */
export interface UpstreamCall {
  method?: 'POST' | 'GET'
  /** Path appended to the provider's `baseURL`, e.g. `/chat/completions`. May carry a query. */
  path: string
  headers?: Record<string, string>
  /**
   * JSON-serialized by core; a string or bytes are sent as they are (e.g. when the adapter
   * signed them). Ignored when core passes the client's bytes through.
   */
  body?: unknown
  /**
   * The adapter changed what the request asks for (e.g. added `stream_options.include_usage`):
   * the client's bytes must not be passed through as they are.
   */
  bodyChanged?: boolean
}

/** What an adapter gets when building an upstream call. */
export interface CallInfo {
  /** The model name to send upstream. */
  model: string
  /** The provider key chosen by core for this attempt. */
  key: string
  stream: boolean
  /** The answer must report token usage, a stream's too (ask the upstream for it if needed). */
  usage: boolean
  /**
   * The wire format the client spoke. When it is not the upstream's, the canonical request may
   * carry other vendors' extensions (`anthropic`, `gemini`, `cache_control` …) to leave out.
   */
  format?: string
}

export interface UpstreamErrorInfo {
  status: number
  /** Parsed JSON when the body was JSON, else the text. */
  body: unknown
  headers: Record<string, string | string[] | undefined>
}

/** What one upstream stream event says for accounting, read without building chunks. */
export interface StreamFacts {
  usage?: Usage
  finishReason?: string
  /** The upstream reported a failure inside the stream. */
  error?: GatewayError
  /** The upstream's end-of-stream marker (`[DONE]`, `message_stop` …). */
  done?: boolean
}

/** Streams inside: adapters map upstream events to canonical chunks. */
export interface ChatAdapter {
  request(req: ChatRequest, call: CallInfo): Awaitable<UpstreamCall>
  response(body: unknown, call: CallInfo): ChatResponse
  /** Upstream server-sent events to canonical chunks. One of `stream` and `streamBytes` is needed. */
  stream?(events: AsyncIterable<SseEvent>, call: CallInfo): AsyncIterable<ChatChunk>
  /**
   * For upstreams whose streams are not SSE (e.g. AWS event-stream framing): raw body bytes to
   * canonical chunks. Used instead of `stream` when present.
   */
  streamBytes?(body: AsyncIterable<Uint8Array>, call: CallInfo): AsyncIterable<ChatChunk>
  /** The content type a stream answer must have (default `text/event-stream`). */
  streamContentType?: string
  /**
   * Same-format fast path: the accounting facts of one event (usage, finish reason, errors),
   * cheaply. When the client speaks the upstream's format and no plugin needs the chunks, core
   * forwards the upstream bytes as they arrive and calls this per event instead of `stream`.
   */
  inspect?(event: SseEvent): StreamFacts | undefined
}

export interface EmbeddingsAdapter {
  request(req: EmbeddingRequest, call: CallInfo): Awaitable<UpstreamCall>
  response(body: unknown, call: CallInfo): EmbeddingResponse
}

/**
 * An in-process provider (no HTTP), e.g. the mock provider. The signal aborts when the
 * client goes away.
 */
export interface LocalHandlers {
  chat?(req: ChatRequest, call: CallInfo, signal: AbortSignal): Awaitable<ChatResponse | AsyncIterable<ChatChunk>>
  embeddings?(req: EmbeddingRequest, call: CallInfo, signal: AbortSignal): Awaitable<EmbeddingResponse>
}

export interface ProviderKey {
  value: string
  weight: number
  /** A name for logs and metrics; defaults to a masked form of the key. */
  id?: string
}

/** One configured provider instance, as core routes to it. */
export interface ProviderAdapter {
  /** Instance id used in `provider/model` names, e.g. `openai`, `groq`, `azure-eu`. */
  id: string
  /** Adapter kind, e.g. `openai`, `anthropic`. */
  kind: string
  /** The wire format the upstream speaks; when it equals the client's, bytes pass through. */
  wireFormat: WireFormat
  baseURL: string
  keys: ProviderKey[]
  /** Models this instance serves; `*` globs allowed (`gpt-4o*`). */
  models: string[]
  /** Extra headers on every upstream call. */
  headers: Record<string, string>
  /** Per-attempt timeout for the upstream's first byte, ms. */
  timeoutMs: number
  /** Upstream calls in flight at most (0 or absent: no limit). */
  maxConcurrent?: number
  /** Auth headers for a key (may be async, e.g. an OAuth token exchange). */
  auth(key: string): Awaitable<Record<string, string>>
  chat?: ChatAdapter
  embeddings?: EmbeddingsAdapter
  /** Instead of HTTP: answer in process. */
  local?: LocalHandlers
  /** Map an upstream error answer to a GatewayError. */
  error(info: UpstreamErrorInfo): GatewayError
  /** Extra model details for `GET /v1/models`. */
  describeModel?(model: string): Partial<ModelInfo>
}

/** Options every provider plugin accepts. */
export const providerOptionsSchema = z.object({
  /** Instance id; defaults to the provider kind (or preset). */
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" or "-"').optional(),
  baseURL: z.url().optional(),
  keys: z
    .array(
      z.object({
        value: z.string().min(1, 'empty key (is its environment variable set?)'),
        weight: z.number().positive().default(1),
        id: z.string().optional(),
      }),
    )
    .default([]),
  models: z.array(z.string().min(1)).default([]),
  headers: z.record(z.string(), z.string()).default({}),
  timeoutMs: z.number().int().positive().default(60_000),
  /** Upstream calls in flight at most for this provider; beyond it, other targets or a 503. 0: no limit. */
  maxConcurrent: z.number().int().nonnegative().default(0),
})

export type ProviderOptions = z.output<typeof providerOptionsSchema>
export type ProviderOptionsInput = z.input<typeof providerOptionsSchema>
