import { randomUUID } from 'node:crypto'
import { assembleChatResponse } from '../assemble.js'
import { GatewayError, isGatewayError } from '../errors.js'
import { isPlugin } from '../define.js'
import type { Operation, RequestRecord, WireFormat } from '../context.js'
import type { PluginInstance, SluicePlugin } from '../plugin.js'
import type { ChatChunk, ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse } from '../types/openai.js'
import { Pipeline } from '../runtime/pipeline.js'
import type { StreamSeen } from '../runtime/pipeline.js'
import { RequestContext } from '../runtime/context.js'
import { buildRecord } from '../runtime/record.js'

/** Stands in for the upstream: returns a response, or chunks for a stream. */
export type FakeUpstream = (
  body: ChatRequest | EmbeddingRequest,
  ctx: RequestContext,
) => ChatResponse | EmbeddingResponse | ChatChunk[] | Promise<ChatResponse | EmbeddingResponse | ChatChunk[]>

export interface TestRequestOptions {
  operation?: Operation
  format?: WireFormat
  headers?: Record<string, string>
  ip?: string
  upstream?: FakeUpstream
  signal?: AbortSignal
}

export interface TestResult {
  status: number
  /** The refusal or failure, when the request did not succeed. */
  error?: GatewayError
  /** The final (non-stream) answer, or the stream's chunks assembled. */
  response?: ChatResponse | EmbeddingResponse
  /** The chunks the client would have received, for a stream. */
  chunks?: ChatChunk[]
  /** The body as it would have gone upstream (after preRequest rewrites). */
  upstreamBody?: ChatRequest | EmbeddingRequest
  shortCircuited: boolean
  ctx: RequestContext
  record: RequestRecord
}

export interface PluginTester {
  /** What the plugin's setup returned. */
  instance: PluginInstance
  /** Runs one request through the full lifecycle of this plugin (and any `others`). */
  request(body: ChatRequest | EmbeddingRequest, options?: TestRequestOptions): Promise<TestResult>
  close(): Promise<void>
}

const isChat = (body: ChatRequest | EmbeddingRequest): body is ChatRequest => Array.isArray((body as ChatRequest).messages)

/** A deterministic upstream: echoes the last user text ("echo: …"), streamed word by word. */
export const echoUpstream: FakeUpstream = (body) => {
  if (!isChat(body)) {
    const inputs: unknown[] = Array.isArray(body.input) ? body.input : [body.input]
    return {
      object: 'list',
      model: body.model,
      data: inputs.map((_, index) => ({ object: 'embedding' as const, index, embedding: [0.1, 0.2, 0.3] })),
      usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
    }
  }
  const last = [...(body as ChatRequest).messages].reverse().find((m) => m.role === 'user')
  const text = `echo: ${typeof last?.content === 'string' ? last.content : ''}`
  const base = { id: 'chatcmpl-test', created: 0, model: body.model }
  const usage = { prompt_tokens: 1, completion_tokens: text.split(' ').length, total_tokens: 1 + text.split(' ').length }
  if (!body.stream)
    return { ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }], usage }
  const words = text.split(/(?<= )/)
  return [
    ...words.map((w, i) => ({ ...base, object: 'chat.completion.chunk' as const, choices: [{ index: 0, delta: i === 0 ? { role: 'assistant' as const, content: w } : { content: w }, finish_reason: null }] })),
    { ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
    { ...base, object: 'chat.completion.chunk', choices: [], usage },
  ]
}

/**
 * Set up a plugin with options and run requests through its hooks, with the same lifecycle
 * engine core uses, and no server.
 *
 * @example
 * const t = await testPlugin(myGuard, { terms: ['falcon'] })
 * const r = await t.request({ model: 'm', messages: [{ role: 'user', content: 'about falcon' }] })
 * expect(r.status).toBe(403)
 */
export async function testPlugin(plugin: SluicePlugin, options?: unknown, others: { plugin: SluicePlugin; options?: unknown }[] = []): Promise<PluginTester> {
  const loaded = []
  for (const item of [{ plugin, options }, ...others]) {
    if (!isPlugin(item.plugin)) throw new TypeError('testPlugin: expected a plugin made with definePlugin')
    const parsed = item.plugin.options ? item.plugin.options.parse(item.options ?? {}) : item.options
    const instance = await item.plugin.setup(parsed, { configDir: process.cwd(), dataDir: process.cwd(), log: quietLog, audit: () => {}, cost: () => undefined })
    loaded.push({ name: item.plugin.name, failOpen: item.plugin.failOpen ?? false, instance })
  }
  const pipeline = new Pipeline(loaded)
  return {
    instance: loaded[0].instance,
    request: (body, opts = {}) => runRequest(pipeline, body, opts),
    close: () => pipeline.close(),
  }
}

const quietLog = { debug() {}, info() {}, warn() {}, error() {} }

async function runRequest(pipeline: Pipeline, body: ChatRequest | EmbeddingRequest, opts: TestRequestOptions): Promise<TestResult> {
  const operation = opts.operation ?? ('messages' in body ? 'chat' : 'embeddings')
  const ctx = new RequestContext({
    id: randomUUID(),
    operation,
    format: opts.format ?? 'openai',
    path: operation === 'chat' ? '/v1/chat/completions' : '/v1/embeddings',
    headers: Object.fromEntries(Object.entries(opts.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    ip: opts.ip ?? '127.0.0.1',
    body: structuredClone(body) as never,
    // The fake upstream stands for one provider, `test`, serving every model.
    candidates: (rules) => [{ provider: 'test', model: body.model }].filter((t) => rules.every((r) => !r.allow || r.allow(t, body.model))),
  })
  opts.signal?.addEventListener('abort', () => ctx.abort(opts.signal!.reason), { once: true })
  const startedAt = new Date()
  const pass = pipeline.newPass()
  const result: Omit<TestResult, 'record'> = { status: 200, shortCircuited: false, ctx }
  try {
    await pipeline.runPre(ctx, pass)
    let answer: ChatResponse | EmbeddingResponse | ChatChunk[] | AsyncIterable<ChatChunk>
    if (ctx.shortCircuit) {
      result.shortCircuited = true
      answer = ctx.shortCircuit as never
    } else {
      result.upstreamBody = ctx.request.peekBody()
      ctx.target = { provider: 'test', model: ctx.request.model }
      answer = await (opts.upstream ?? echoUpstream)(ctx.request.peekBody(), ctx)
    }
    const entries = pipeline.responseEntries(pass)
    if (ctx.request.stream && (Array.isArray(answer) || Symbol.asyncIterator in answer)) {
      const sent: ChatChunk[] = []
      const seen: StreamSeen = new Map()
      for await (const chunk of answer as AsyncIterable<ChatChunk>) sent.push(...(await pipeline.runChunk(ctx, entries, chunk, seen)).chunks)
      sent.push(...(await pipeline.runFlush(ctx, entries, seen)))
      result.chunks = sent
      result.response = assembleChatResponse(sent)
      await pipeline.runStreamComplete(ctx, entries, sent, seen)
    } else {
      result.response = (await pipeline.runComplete(ctx, entries, answer as ChatResponse, false)).response
    }
  } catch (error) {
    result.error = isGatewayError(error) ? error : new GatewayError(500, 'gateway_internal', String(error))
    result.status = result.error.status
  }
  const usage = result.response && 'usage' in result.response ? (result.response.usage as ChatResponse['usage']) : undefined
  const record = buildRecord(ctx, {
    status: result.status,
    error: result.error,
    usage: usage && 'completion_tokens' in usage ? usage : undefined,
    shortCircuited: result.shortCircuited,
    clientAborted: false,
    startedAt,
  })
  await pipeline.runPostLog(ctx, record)
  return { ...result, record }
}
