import { GatewayError, isGatewayError, maskSecret } from '@sluice/sdk'
import type { CallInfo, ChatChunk, ChatRequest, EmbeddingRequest, ProviderAdapter, SseEvent, StreamFacts } from '@sluice/sdk'
import type { RequestContext } from '@sluice/sdk/runtime'
import type { UpstreamClient, UpstreamResponse } from '../upstream/client.js'
import { replaceTopLevelModel } from '../upstream/passthrough.js'
import { sseEvents } from '../http/sse-body.js'
import { SseParser } from '../http/sse.js'
import { parseRetryAfter } from '../routing/backoff.js'
import type { Answer } from './dispatch.js'

/**
 * A chunk with the exact upstream text it came from, when the wire formats match. The last item
 * of a stream may carry only text (events after the last chunk, such as `[DONE]`).
 */
export interface SourcedChunk {
  chunk?: ChatChunk
  raw?: string | Uint8Array
  /** Accounting read from the raw bytes (fast path: no chunk is built). */
  facts?: StreamFacts[]
  /** Fast path: how many events completed in `raw` (for a usage estimate when none is reported). */
  events?: number
}

/** Why an attempt failed, with what the retry logic needs to decide. */
export interface AttemptFailure {
  error: GatewayError
  /** The upstream's HTTP status, when it answered. */
  upstreamStatus?: number
  retryAfterMs?: number
  retryable: boolean
}

export interface AttemptOptions {
  signal: AbortSignal
  /** The gateway changed the body (e.g. removed `fallbacks`): no byte pass-through. */
  bodyChanged: boolean
  timeoutMs: number
  idleTimeoutMs: number
  /** Plugins need canonical chunks; otherwise a same-format stream may take the fast path. */
  chunksNeeded: boolean
}

const ERROR_BODY_LIMIT = 1024 * 1024
const RETRYABLE_STATUS = new Set([408, 409, 429, 500, 502, 503, 504, 529])

/**
 * One call to one provider: build the upstream request with the adapter, send it (the client's
 * bytes when the formats match), and map the answer back. Upstream error answers are thrown as
 * AttemptFailure; transport errors are thrown as they are.
 */
export async function callUpstream(
  client: UpstreamClient,
  ctx: RequestContext,
  provider: ProviderAdapter,
  body: ChatRequest | EmbeddingRequest,
  call: CallInfo,
  options: AttemptOptions,
): Promise<Answer> {
  if (provider.local) return callLocal(ctx, provider, body, call, options.signal)
  const operation = ctx.request.operation
  const adapter = operation === 'chat' ? provider.chat : provider.embeddings
  if (!adapter) throw unsupported(provider, operation === 'chat' ? 'chat completions' : 'embeddings')
  const upstreamCall = await adapter.request(body as never, call)
  // Same format, and the adapter asked for no more than the client did: bytes may pass as they are.
  const sameFormat = provider.wireFormat === ctx.request.format && !upstreamCall.bodyChanged
  const payload = sameFormat && !options.bodyChanged ? passThroughBytes(ctx, body.model, call.model) : undefined
  const auth = await provider.auth(call.key)
  const response = await client.send({
    method: upstreamCall.method ?? 'POST',
    url: new URL(provider.baseURL + upstreamCall.path),
    headers: mergeHeaders(
      { 'content-type': 'application/json', accept: call.stream ? 'text/event-stream' : 'application/json', 'x-request-id': ctx.id },
      ctx.upstreamHeaders,
      provider.headers,
      auth,
      upstreamCall.headers,
    ),
    body: upstreamCall.method === 'GET' ? undefined : (payload ?? serialize(upstreamCall.body)),
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    idleTimeoutMs: options.idleTimeoutMs,
  })
  if (response.status >= 400) throw withoutKey(await failureFromAnswer(provider, response), call.key)
  if (!call.stream || operation !== 'chat') {
    const raw = Buffer.from(await response.body.arrayBuffer())
    const parsed = parseUpstreamJson(raw, provider)
    const mapped = operation === 'chat' ? provider.chat!.response(parsed, call) : provider.embeddings!.response(parsed, call)
    return { kind: 'json', response: mapped, raw: sameFormat ? raw : undefined }
  }
  const chat = provider.chat!
  const type = String(response.headers['content-type'] ?? '')
  if (!type.includes(chat.streamContentType ?? 'text/event-stream')) {
    // Some upstreams answer a stream request with a JSON error and a 200.
    const raw = Buffer.from(await response.body.arrayBuffer())
    throw { error: provider.error({ status: 502, body: safeJson(raw), headers: response.headers }), upstreamStatus: 502, retryable: true } satisfies AttemptFailure
  }
  if (chat.streamBytes) return { kind: 'stream', chunks: sourced(chat.streamBytes(response.body, call), undefined) }
  if (sameFormat && chat.inspect && !options.chunksNeeded) return { kind: 'stream', chunks: rawStream(response.body, chat.inspect.bind(chat)) }
  const tap = sseEvents(response.body)
  const chunks = chat.stream!(tap.iterable, call)
  return { kind: 'stream', chunks: sourced(chunks, sameFormat ? tap : undefined) }
}

async function callLocal(ctx: RequestContext, provider: ProviderAdapter, body: ChatRequest | EmbeddingRequest, call: CallInfo, signal: AbortSignal): Promise<Answer> {
  const local = provider.local!
  if (ctx.request.operation === 'embeddings') {
    if (!local.embeddings) throw unsupported(provider, 'embeddings')
    return { kind: 'json', response: await local.embeddings(body as EmbeddingRequest, call, signal) }
  }
  if (!local.chat) throw unsupported(provider, 'chat completions')
  const result = await local.chat(body as ChatRequest, call, signal)
  if (typeof (result as AsyncIterable<ChatChunk>)[Symbol.asyncIterator] === 'function') return { kind: 'stream', chunks: sourced(result as AsyncIterable<ChatChunk>, undefined) }
  return { kind: 'json', response: result as Exclude<typeof result, AsyncIterable<ChatChunk>> }
}

/** The client's bytes, with only the model swapped when the upstream name differs. */
function passThroughBytes(ctx: RequestContext, requested: string, upstreamModel: string): Buffer | undefined {
  const raw = ctx.request.raw
  if (!raw || ctx.request.isModified()) return undefined
  const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)
  return requested === upstreamModel ? bytes : replaceTopLevelModel(bytes, upstreamModel)
}

function serialize(body: unknown): string | Buffer {
  if (typeof body === 'string' || Buffer.isBuffer(body)) return body
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  return JSON.stringify(body)
}

function unsupported(provider: ProviderAdapter, what: string): GatewayError {
  return new GatewayError(400, 'provider_unsupported', `Provider "${provider.id}" does not support ${what}`, { param: 'model' })
}

/** An upstream may quote the key it refused in its message: never pass that on. */
function withoutKey(failure: AttemptFailure, key: string): AttemptFailure {
  if (key.length < 8 || !failure.error.message.includes(key)) return failure
  const e = failure.error
  const message = e.message.split(key).join(maskSecret(key))
  return { ...failure, error: new GatewayError(e.status, e.type, message, { code: e.code, param: e.param, headers: e.headers }) }
}

async function failureFromAnswer(provider: ProviderAdapter, response: UpstreamResponse): Promise<AttemptFailure> {
  let raw: Buffer
  try {
    raw = await readLimited(response.body, ERROR_BODY_LIMIT)
  } catch {
    raw = Buffer.alloc(0)
  }
  let error: GatewayError
  try {
    error = provider.error({ status: response.status, body: safeJson(raw), headers: response.headers })
  } catch (thrown) {
    error = isGatewayError(thrown) ? thrown : new GatewayError(502, 'provider_error', `Provider "${provider.id}" answered ${response.status}`)
  }
  // The wait may sit in the body (Gemini's RetryInfo): the adapter then puts it on its error.
  const retryAfterMs = parseRetryAfter(response.headers) ?? parseRetryAfter(error.headers)
  return { error, upstreamStatus: response.status, retryAfterMs, retryable: RETRYABLE_STATUS.has(response.status) }
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

/**
 * Pairs each chunk with the upstream text read since the previous one (same wire format only),
 * and ends with the text read after the last chunk (`[DONE]`, `message_stop` …), so a stream
 * can be forwarded byte for byte, events without a chunk of their own included.
 */
async function* sourced(chunks: AsyncIterable<ChatChunk>, tap: { take(): string } | undefined): AsyncGenerator<SourcedChunk> {
  for await (const chunk of chunks) yield tap ? { chunk, raw: tap.take() } : { chunk }
  const tail = tap?.take()
  if (tail) yield { raw: tail }
}

/**
 * Later sources win, whatever the spelling: `X-Api-Key` from config and `x-api-key` from an
 * adapter must not both reach the upstream (undici would send "a, b" and break signatures).
 */
function mergeHeaders(...sources: (Record<string, string> | undefined)[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const source of sources) if (source) for (const name in source) out[name.toLowerCase()] = source[name]
  return out
}

/**
 * The same-format fast path: upstream bytes go out as they arrive, one item per network read,
 * with the accounting facts of the events completed in it. No chunk objects, no re-encoding.
 */
async function* rawStream(body: AsyncIterable<Uint8Array>, inspect: (event: SseEvent) => StreamFacts | undefined): AsyncGenerator<SourcedChunk> {
  const parser = new SseParser()
  const factsOf = (events: SseEvent[]) => {
    let facts: StreamFacts[] | undefined
    for (const event of events) {
      const found = inspect(event)
      if (found) (facts ??= []).push(found)
    }
    return facts
  }
  for await (const bytes of body) {
    const events = parser.push(bytes)
    yield { raw: bytes, facts: factsOf(events), events: events.length }
  }
  const trailing = factsOf(parser.end())
  if (trailing) yield { raw: '', facts: trailing }
}
