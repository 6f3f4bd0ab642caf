import { GatewayError, isGatewayError } from '@sluice/sdk'
import type {
  Attempt,
  CallInfo,
  ChatChunk,
  ChatRequest,
  ChatResponse,
  EmbeddingRequest,
  EmbeddingResponse,
  ProviderAdapter,
  SseEvent,
} from '@sluice/sdk'
import type { RequestContext } from '@sluice/sdk/runtime'
import type { Router } from '../router.js'
import type { UpstreamClient, UpstreamResponse } from '../upstream/client.js'
import { KeyPicker } from '../upstream/keys.js'
import { replaceTopLevelModel } from '../upstream/passthrough.js'
import { upstreamFailure } from '../upstream/transport-errors.js'
import { readSse } from '../http/sse.js'

/** A chunk with the exact upstream event text it came from, when the formats match. */
export interface SourcedChunk {
  chunk: ChatChunk
  raw?: string
}

/** What an upstream (or a plugin's early answer) produced. */
export type Answer =
  | { kind: 'json'; response: ChatResponse | EmbeddingResponse; raw?: Buffer }
  | { kind: 'stream'; chunks: AsyncIterable<SourcedChunk> }

const ERROR_BODY_LIMIT = 1024 * 1024

/** Calls the routed provider for one request. Core owns HTTP; the adapter only translates. */
export class Dispatcher {
  readonly #router: Router
  readonly #client: UpstreamClient
  readonly #keys = new Map<string, KeyPicker>()

  constructor(router: Router, client: UpstreamClient) {
    this.#router = router
    this.#client = client
    for (const provider of router.providers) this.#keys.set(provider.id, new KeyPicker(provider.keys))
  }

  async dispatch(ctx: RequestContext): Promise<Answer> {
    const body = ctx.request.peekBody() as ChatRequest | EmbeddingRequest
    const route = this.#router.resolve(body.model)
    const provider = route.provider
    ctx.target = { provider: provider.id, model: route.model }
    const stream = ctx.request.stream
    const key = this.#keys.get(provider.id)?.pick()
    const call: CallInfo = { model: route.model, key: key?.value ?? '', stream }
    const attempt: Attempt = { provider: provider.id, model: route.model, startedAt: Date.now() }
    if (key) attempt.key = key.label
    ctx.attempts.push(attempt)
    const started = performance.now()
    try {
      const answer = provider.local ? await this.#local(ctx, provider, body, call) : await this.#http(ctx, provider, body, call)
      attempt.status = 200
      return answer
    } catch (error) {
      const failure = upstreamFailure(error, provider.id, ctx.signal)
      attempt.status = failure?.status ?? 500
      attempt.errorType = failure?.type ?? 'gateway_internal'
      throw failure ?? error
    } finally {
      attempt.durationMs = performance.now() - started
    }
  }

  async #local(ctx: RequestContext, provider: ProviderAdapter, body: ChatRequest | EmbeddingRequest, call: CallInfo): Promise<Answer> {
    const local = provider.local!
    if (ctx.request.operation === 'embeddings') {
      if (!local.embeddings) throw unsupported(provider, 'embeddings')
      return { kind: 'json', response: await local.embeddings(body as EmbeddingRequest, call, ctx.signal) }
    }
    if (!local.chat) throw unsupported(provider, 'chat completions')
    const result = await local.chat(body as ChatRequest, call, ctx.signal)
    if (isAsyncIterable(result)) return { kind: 'stream', chunks: sourceless(result) }
    return { kind: 'json', response: result }
  }

  async #http(ctx: RequestContext, provider: ProviderAdapter, body: ChatRequest | EmbeddingRequest, call: CallInfo): Promise<Answer> {
    const operation = ctx.request.operation
    const adapter = operation === 'chat' ? provider.chat : provider.embeddings
    if (!adapter) throw unsupported(provider, operation === 'chat' ? 'chat completions' : 'embeddings')
    const upstreamCall = await adapter.request(body as never, call)
    const sameFormat = provider.wireFormat === ctx.request.format
    const payload = sameFormat ? this.#passThroughBytes(ctx, body.model, call.model) : undefined
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: call.stream ? 'text/event-stream' : 'application/json',
      'x-request-id': ctx.id,
      ...provider.headers,
      ...provider.auth(call.key),
      ...upstreamCall.headers,
    }
    const response = await this.#client.send({
      method: upstreamCall.method ?? 'POST',
      url: new URL(provider.baseURL + upstreamCall.path),
      headers,
      body: upstreamCall.method === 'GET' ? undefined : (payload ?? JSON.stringify(upstreamCall.body)),
      signal: ctx.signal,
      timeoutMs: provider.timeoutMs,
    })
    if (response.status >= 400) throw await upstreamErrorAnswer(provider, response)
    if (!call.stream || operation !== 'chat') {
      const raw = Buffer.from(await response.body.arrayBuffer())
      const parsed = parseUpstreamJson(raw, provider)
      const mapped = operation === 'chat' ? provider.chat!.response(parsed, call) : provider.embeddings!.response(parsed, call)
      return { kind: 'json', response: mapped, raw: sameFormat ? raw : undefined }
    }
    const type = String(response.headers['content-type'] ?? '')
    if (!type.includes('text/event-stream')) {
      // Some upstreams answer a stream request with one JSON error and a 200.
      const raw = Buffer.from(await response.body.arrayBuffer())
      throw provider.error({ status: 502, body: safeJson(raw), headers: response.headers })
    }
    const events = tapEvents(readSse(response.body))
    const chunks = provider.chat!.stream(events.iterable, call)
    return { kind: 'stream', chunks: sourced(chunks, sameFormat ? events : undefined) }
  }

  /** The client's bytes, with only the model swapped when the upstream name differs. */
  #passThroughBytes(ctx: RequestContext, requested: string, upstreamModel: string): Buffer | undefined {
    const raw = ctx.request.raw
    if (!raw || ctx.request.isModified()) return undefined
    const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)
    return requested === upstreamModel ? bytes : replaceTopLevelModel(bytes, upstreamModel)
  }
}

function unsupported(provider: ProviderAdapter, what: string): GatewayError {
  return new GatewayError(400, 'provider_unsupported', `Provider "${provider.id}" does not support ${what}`, { param: 'model' })
}

async function upstreamErrorAnswer(provider: ProviderAdapter, response: UpstreamResponse): Promise<GatewayError> {
  let raw: Buffer
  try {
    raw = await readLimited(response.body, ERROR_BODY_LIMIT)
  } catch {
    raw = Buffer.alloc(0)
  }
  try {
    return provider.error({ status: response.status, body: safeJson(raw), headers: response.headers })
  } catch (error) {
    if (isGatewayError(error)) return error
    return new GatewayError(502, 'provider_error', `Provider "${provider.id}" answered ${response.status}`)
  }
}

async function readLimited(body: AsyncIterable<Uint8Array> & { destroy?: () => void }, limit: number): Promise<Buffer> {
  const parts: Buffer[] = []
  let size = 0
  for await (const part of body) {
    size += part.length
    if (size > limit) {
      body.destroy?.()
      break
    }
    parts.push(Buffer.from(part))
  }
  return Buffer.concat(parts)
}

function safeJson(raw: Buffer): unknown {
  const text = raw.toString('utf8')
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

function parseUpstreamJson(raw: Buffer, provider: ProviderAdapter): unknown {
  try {
    return JSON.parse(raw.toString('utf8'))
  } catch {
    throw new GatewayError(502, 'provider_invalid_response', `Provider "${provider.id}" answered with a body that is not valid JSON`)
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<ChatChunk> {
  return !!value && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
}

async function* sourceless(chunks: AsyncIterable<ChatChunk>): AsyncGenerator<SourcedChunk> {
  for await (const chunk of chunks) yield { chunk }
}

/** Remembers the event most recently handed to the adapter, to pair it with the chunk it yields. */
function tapEvents(events: AsyncIterable<SseEvent>): { iterable: AsyncIterable<SseEvent>; last: SseEvent | undefined } {
  const tap = {
    last: undefined as SseEvent | undefined,
    iterable: {
      async *[Symbol.asyncIterator]() {
        for await (const event of events) {
          tap.last = event
          yield event
        }
      },
    },
  }
  return tap
}

async function* sourced(chunks: AsyncIterable<ChatChunk>, tap: { last: SseEvent | undefined } | undefined): AsyncGenerator<SourcedChunk> {
  for await (const chunk of chunks) {
    // Same wire format: events map one to one onto chunks, so the last event is this chunk's source.
    const raw = tap?.last?.raw
    if (tap) tap.last = undefined
    yield raw === undefined ? { chunk } : { chunk, raw }
  }
}
