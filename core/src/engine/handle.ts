import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { GatewayError, assembleChatResponse } from '@sluice/sdk'
import { upstreamFailure } from '../upstream/transport-errors.js'
import type { ChatChunk, ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse, Logger, Operation, RequestRecord, StreamFacts, Usage } from '@sluice/sdk'
import { RequestContext, buildRecord } from '@sluice/sdk/runtime'
import type { Pipeline, ResponseEntry, StreamSeen } from '@sluice/sdk/runtime'
import { parseJsonObject, readBody } from '../http/body.js'
import type { FrontDoorCodec } from '../front-doors/codec.js'
import type { Answer, Dispatcher, SourcedChunk } from './dispatch.js'
import { isEmbeddingResponse, responseAsChunks, write } from './respond.js'
import type { Inflight } from './inflight.js'
import { estimateUsage } from './estimate-usage.js'
import type { OutputSeen } from './estimate-usage.js'
import type { AuditLog } from '../audit/chain.js'

export interface EngineDeps {
  pipeline: Pipeline
  dispatcher: Dispatcher
  log: Logger
  bodyLimit: number
  inflight: Inflight
  /** Log every request (log level debug); failures are logged at any level. */
  logRequests: boolean
  /** Where refusals are recorded (tamper-evident), when the audit log is on. */
  audit?: AuditLog
  /** The cost of an answer in USD, when its price is known. */
  cost(provider: string, model: string, usage: Usage): number | undefined
}

/** An inference route of a front door: what it does, how it parses and how it speaks. */
export interface InferenceRoute {
  operation: Operation
  codec: FrontDoorCodec
  /** Turns the front door's JSON body into the canonical request (throws a 400 when invalid). */
  parse(body: Record<string, unknown>): ChatRequest | EmbeddingRequest
}

/** What happened, for the request record. */
interface Outcome {
  status: number
  error?: GatewayError
  usage?: Usage
  finishReason?: string
  firstByteAt?: number
  /** Streams: when the last chunk went out, and the gaps between chunks. */
  lastChunkAt?: number
  chunkGaps: number
  chunkGapMs: number
  upstreamStartedAt?: number
  upstreamMs?: number
  shortCircuited: boolean
  clientAborted: boolean
  /** What went out, for a usage estimate when the upstream reports none. */
  output: OutputSeen
}

const REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/

/**
 * One inference request, end to end: body, lifecycle (preAuth → policy → preRequest → router →
 * response → postLog), upstream call, and the answer in the front door's format.
 */
export async function handleInference(deps: EngineDeps, route: InferenceRoute, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const startedAt = performance.now()
  const startedWall = new Date()
  const incomingId = req.headers['x-request-id']
  const id = typeof incomingId === 'string' && REQUEST_ID.test(incomingId) ? incomingId : randomUUID()
  res.setHeader('x-request-id', id)
  const controller = new AbortController()
  const outcome: Outcome = { status: 200, shortCircuited: false, clientAborted: false, chunkGaps: 0, chunkGapMs: 0, output: { parts: [], rawEvents: 0 } }
  const onClose = () => {
    if (res.writableFinished) return
    outcome.clientAborted = true
    controller.abort(new GatewayError(499, 'caller_aborted', 'The client closed the request'))
  }
  res.on('close', onClose)
  const done = deps.inflight.begin()
  let ctx: RequestContext | undefined
  try {
    const raw = await readBody(req, deps.bodyLimit)
    const body = route.parse(parseJsonObject(raw))
    ctx = new RequestContext({
      id,
      controller,
      operation: route.operation,
      format: route.codec.format,
      path: req.url ?? '',
      headers: req.headers,
      ip: req.socket.remoteAddress,
      body,
      raw,
      log: deps.log,
      startedAt,
      candidates: (rules) => deps.dispatcher.candidates(ctx!.request.peekBody(), rules),
    })
    const pass = deps.pipeline.newPass()
    await deps.pipeline.runPre(ctx, pass)
    const entries = deps.pipeline.responseEntries(pass)
    let answer: Answer
    if (ctx.shortCircuit) {
      outcome.shortCircuited = true
      answer = fromShortCircuit(ctx.shortCircuit as ChatResponse | EmbeddingResponse | AsyncIterable<ChatChunk>)
    } else {
      outcome.upstreamStartedAt = performance.now()
      const chunksNeeded = entries.some((e) => e.chunk || e.flush || e.complete)
      answer = await deps.dispatcher.dispatch(ctx, { chunksNeeded })
      outcome.upstreamMs = performance.now() - outcome.upstreamStartedAt
    }
    setRoutingHeaders(res, ctx)
    if (ctx.request.stream) await sendStream(deps, route.codec, ctx, entries, answer, res, outcome)
    else await sendJson(deps, route.codec, ctx, entries, answer, res, outcome)
  } catch (error) {
    // Streams fail after dispatch returned: map network errors and aborts here too.
    const failure = upstreamFailure(error, ctx?.target?.provider ?? 'unknown', controller.signal) ?? internalError(error, deps.log, id)
    outcome.status = outcome.clientAborted ? 499 : failure.status
    outcome.error = failure
    if (!res.headersSent && !res.destroyed) {
      if (ctx) setRoutingHeaders(res, ctx)
      const rendered = route.codec.error(failure)
      res.writeHead(rendered.status, { 'content-type': 'application/json', ...failure.headers, ...ctx?.responseHeaders })
      res.end(rendered.body)
    } else if (!res.destroyed && !res.writableEnded) {
      // Mid-stream: end the stream with an error event; the status line is already out. The
      // blank line first closes an event that raw forwarding may have left half-written.
      await write(res, `\n\n${route.codec.chatStream().error(failure)}`)
      res.end()
    }
  } finally {
    res.off('close', onClose)
    // A stream keeps the upstream busy until its last chunk.
    if (outcome.upstreamStartedAt !== undefined && ctx?.request.stream) outcome.upstreamMs = performance.now() - outcome.upstreamStartedAt
    ctx ??= placeholderContext(id, route, req, controller, deps.log, startedAt)
    const rec = record(ctx, outcome, startedAt, startedWall)
    if (!rec.usage && needsEstimate(ctx, outcome)) {
      rec.usage = estimateUsage(ctx.request.texts(), outcome.output)
      rec.usageEstimated = true
    }
    if (rec.usage && rec.provider && rec.model) rec.costUsd = deps.cost(rec.provider, rec.model, rec.usage)
    logOutcome(deps, rec)
    auditRefusal(deps, rec)
    deps.pipeline.runPostLog(ctx, rec)
    done()
  }
}

async function sendJson(deps: EngineDeps, codec: FrontDoorCodec, ctx: RequestContext, entries: ResponseEntry[], answer: Answer, res: ServerResponse, outcome: Outcome): Promise<void> {
  let response: ChatResponse | EmbeddingResponse
  let raw: Buffer | undefined
  if (answer.kind === 'json') {
    response = answer.response
    raw = answer.raw
  } else {
    const chunks: ChatChunk[] = []
    for await (const { chunk } of answer.chunks) if (chunk) chunks.push(chunk)
    response = assembleChatResponse(chunks)
  }
  const completed = await deps.pipeline.runComplete(ctx, entries, response, false)
  response = completed.response
  noteUsage(response, outcome)
  const body = raw && !completed.changed && codec.format === ctx.request.format
    ? raw
    : isEmbeddingResponse(response)
      ? (codec.embeddings ?? JSON.stringify)(response)
      : codec.chat(response)
  outcome.firstByteAt = performance.now()
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...ctx.responseHeaders })
  res.end(body)
}

async function sendStream(deps: EngineDeps, codec: FrontDoorCodec, ctx: RequestContext, entries: ResponseEntry[], answer: Answer, res: ServerResponse, outcome: Outcome): Promise<void> {
  const source = answer.kind === 'stream' ? answer.chunks : responseAsChunks(answer.response as ChatResponse)
  const encoder = codec.chatStream(ctx.request.peekBody() as ChatRequest)
  const hooks = deps.pipeline.hasChunkHooks && entries.some((e) => e.chunk || e.flush)
  const keep = entries.some((e) => e.complete)
  const sent: ChatChunk[] = []
  // Each complete hook gets the stream as it reached that plugin (see runStreamComplete).
  const seen: StreamSeen | undefined = keep && hooks ? new Map() : undefined
  // Raw mode: the upstream speaks the client's format and no hook may touch chunks, so its
  // bytes go out as they came (decided on the first item; encoded mode otherwise).
  let rawMode: boolean | undefined
  const start = () => {
    if (res.headersSent) return
    outcome.firstByteAt = performance.now()
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
      ...ctx.responseHeaders,
    })
  }
  const note = (chunk: ChatChunk) => {
    noteChunk(chunk, outcome)
    if (keep) sent.push(chunk)
  }
  const tick = () => {
    const now = performance.now()
    if (outcome.lastChunkAt !== undefined) {
      outcome.chunkGaps++
      outcome.chunkGapMs += now - outcome.lastChunkAt
    }
    outcome.lastChunkAt = now
  }
  let tailWritten = false
  for await (const { chunk, raw, facts, events } of source) {
    if (ctx.signal.aborted) break
    if (facts) noteFacts(facts, outcome)
    if (events) outcome.output.rawEvents += events
    rawMode ??= !hooks && raw !== undefined
    tick()
    if (rawMode) {
      if (chunk) note(chunk)
      if (!chunk) tailWritten = true
      start()
      const blocked = write(res, raw ?? '')
      if (blocked) await blocked
      continue
    }
    if (!chunk) continue
    const out = hooks ? (await deps.pipeline.runChunk(ctx as RequestContext<'chat'>, entries, chunk, seen)).chunks : [chunk]
    for (const c of out) {
      note(c)
      start()
      const blocked = write(res, encoder.chunk(c))
      if (blocked) await blocked
    }
  }
  if (ctx.signal.aborted) throw ctx.signal.reason
  if (hooks)
    for (const c of await deps.pipeline.runFlush(ctx as RequestContext<'chat'>, entries, seen)) {
      note(c)
      start()
      await write(res, encoder.chunk(c))
    }
  start()
  // A raw stream ends with the upstream's own terminator; one cut short gets ours.
  if (!rawMode || !tailWritten) await write(res, encoder.end())
  res.end()
  if (keep) await deps.pipeline.runStreamComplete(ctx, entries, sent, seen)
}

/** Our and the upstream's failures always; every request when asked (debug). No bodies, no keys. */
function logOutcome(deps: EngineDeps, rec: RequestRecord): void {
  const failed = rec.status >= 500 && rec.status !== 499
  if (!failed && !deps.logRequests) return
  const fields = {
    requestId: rec.id,
    path: rec.path,
    model: rec.requestedModel,
    provider: rec.provider,
    status: rec.status,
    errorType: rec.errorType,
    attempts: rec.attempts.length,
    stream: rec.stream,
    ms: Math.round(rec.timings.totalMs),
  }
  if (failed) deps.log.warn(rec.errorMessage ?? 'request failed', fields)
  else deps.log.debug('request', fields)
}

/** Policy decisions that refused a caller go to the audit log: who, what, which rule type. */
function auditRefusal(deps: EngineDeps, rec: RequestRecord): void {
  if (!deps.audit || !rec.errorType) return
  if (!rec.errorType.startsWith('policy_') && rec.errorType !== 'caller_unauthorized') return
  deps.audit.append({
    type: 'policy.refusal',
    actor: rec.identity?.id ?? 'anonymous',
    target: rec.requestedModel,
    details: { requestId: rec.id, path: rec.path, status: rec.status, errorType: rec.errorType },
  })
}

/** Which provider, model and attempt served (or last tried). */
function setRoutingHeaders(res: ServerResponse, ctx: RequestContext): void {
  if (!ctx.target) return
  res.setHeader('x-sluice-provider', ctx.target.provider)
  res.setHeader('x-sluice-model', ctx.target.model)
  res.setHeader('x-sluice-attempts', String(ctx.attempts.length))
}

function fromShortCircuit(value: ChatResponse | EmbeddingResponse | AsyncIterable<ChatChunk>): Answer {
  if (typeof (value as AsyncIterable<ChatChunk>)[Symbol.asyncIterator] === 'function')
    return { kind: 'stream', chunks: wrap(value as AsyncIterable<ChatChunk>) }
  return { kind: 'json', response: value as ChatResponse | EmbeddingResponse }
}

async function* wrap(chunks: AsyncIterable<ChatChunk>): AsyncGenerator<SourcedChunk> {
  for await (const chunk of chunks) yield { chunk }
}

function noteChunk(chunk: ChatChunk, outcome: Outcome): void {
  if (chunk.usage) outcome.usage = chunk.usage
  for (const choice of chunk.choices ?? []) {
    if (choice.finish_reason) outcome.finishReason = choice.finish_reason
    const delta = choice.delta
    if (!outcome.usage && delta) {
      if (typeof delta.content === 'string' && delta.content) outcome.output.parts.push(delta.content)
      for (const call of delta.tool_calls ?? []) if (call.function?.arguments) outcome.output.parts.push(call.function.arguments)
    }
  }
}

/**
 * An upstream answered (wholly or in part) without reporting usage: count it rather than charge
 * nothing. Not for refusals before any upstream call, nor failures that produced nothing.
 */
function needsEstimate(ctx: RequestContext, outcome: Outcome): boolean {
  if (ctx.request.operation !== 'chat' || outcome.shortCircuited || outcome.upstreamStartedAt === undefined) return false
  return outcome.status < 400 || outcome.output.parts.length > 0 || outcome.output.rawEvents > 0
}

function noteFacts(facts: StreamFacts[], outcome: Outcome): void {
  for (const f of facts) {
    if (f.usage) outcome.usage = f.usage
    if (f.finishReason) outcome.finishReason = f.finishReason
    // The client got the upstream's own error event; the record says what happened.
    if (f.error) outcome.error = f.error
  }
}

function noteUsage(response: ChatResponse | EmbeddingResponse, outcome: Outcome): void {
  const usage = response.usage as Partial<Usage> | undefined
  if (usage) outcome.usage = { completion_tokens: 0, ...usage } as Usage
  if (isEmbeddingResponse(response)) return
  outcome.finishReason = response.choices?.[0]?.finish_reason ?? undefined
  if (!usage)
    for (const choice of response.choices ?? []) {
      if (typeof choice.message?.content === 'string') outcome.output.parts.push(choice.message.content)
      for (const call of choice.message?.tool_calls ?? []) if (call.type === 'function' && call.function?.arguments) outcome.output.parts.push(call.function.arguments)
    }
}

/** Anything else is our fault: logged with its stack, shown without it. */
function internalError(error: unknown, log: Logger, id: string): GatewayError {
  log.error('unexpected error', { requestId: id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) })
  return new GatewayError(500, 'gateway_internal', `Internal gateway error (request id ${id})`)
}

function record(ctx: RequestContext, outcome: Outcome, startedAt: number, startedWall: Date): RequestRecord {
  return buildRecord(ctx, {
    status: outcome.status,
    error: outcome.error,
    usage: outcome.usage,
    finishReason: outcome.finishReason,
    shortCircuited: outcome.shortCircuited,
    clientAborted: outcome.clientAborted,
    upstreamMs: outcome.upstreamMs,
    firstByteMs: outcome.firstByteAt === undefined ? undefined : outcome.firstByteAt - startedAt,
    interChunkMs: outcome.chunkGaps ? outcome.chunkGapMs / outcome.chunkGaps : undefined,
    startedAt: startedWall,
  })
}

/** A request refused before its body was understood still gets a record. */
function placeholderContext(id: string, route: InferenceRoute, req: IncomingMessage, controller: AbortController, log: Logger, startedAt: number): RequestContext {
  const body = route.operation === 'chat' ? { model: '', messages: [] } : { model: '', input: '' }
  return new RequestContext({ id, operation: route.operation, format: route.codec.format, path: req.url?.split('?')[0] ?? '', headers: req.headers, ip: req.socket.remoteAddress, body: body as never, controller, log, startedAt })
}
