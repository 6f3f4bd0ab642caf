import type { RequestRecord } from '../context.js'
import type { Usage } from '../types/openai.js'
import type { RequestContext } from './context.js'

/** What the request's context does not know: how the request ended. */
export interface RequestOutcome {
  status: number
  error?: { type: string; message: string }
  usage?: Usage
  finishReason?: string
  shortCircuited: boolean
  clientAborted: boolean
  /** Time spent waiting on upstream, ms. */
  upstreamMs?: number
  /** Arrival to the first byte of the answer, ms. */
  firstByteMs?: number
  interChunkMs?: number
  /** Wall-clock arrival. */
  startedAt: Date
}

/** The record `postLog` hooks receive; one builder for core and the test kit. */
export function buildRecord(ctx: RequestContext, outcome: RequestOutcome): RequestRecord {
  return {
    id: ctx.id,
    operation: ctx.request.operation,
    format: ctx.request.format,
    path: ctx.request.path,
    requestedModel: ctx.request.model,
    provider: ctx.target?.provider,
    model: ctx.target?.model,
    stream: ctx.request.stream,
    status: outcome.status,
    errorType: outcome.error?.type,
    errorMessage: outcome.error?.message,
    usage: outcome.usage,
    costUsd: undefined,
    finishReason: outcome.finishReason,
    attempts: [...ctx.attempts],
    identity: ctx.identity,
    shortCircuited: outcome.shortCircuited,
    clientAborted: outcome.clientAborted,
    timings: {
      totalMs: performance.now() - ctx.startedAt,
      upstreamMs: outcome.upstreamMs,
      firstByteMs: outcome.firstByteMs,
      ...(outcome.interChunkMs !== undefined ? { interChunkMs: outcome.interChunkMs } : {}),
    },
    startedAt: outcome.startedAt,
  }
}
