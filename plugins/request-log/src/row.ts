import type { ChatRequest, GatewayContext, RequestRecord } from '@sluice/sdk'
import type { LogRow } from './store.js'

/** A request record as a row; prompt and answer only when asked for (they may be sensitive). */
export function toRow(ctx: GatewayContext, r: RequestRecord, bodies: boolean): LogRow {
  const body = bodies ? (ctx.request.body as ChatRequest) : undefined
  const answer = bodies ? ctx.meta.requestLogAnswer : undefined
  return {
    id: r.id,
    ts: r.startedAt.getTime(),
    path: r.path,
    operation: r.operation,
    key_id: r.identity?.id ?? null,
    team: r.identity?.team ?? null,
    customer: r.identity?.customer ?? null,
    provider: r.provider ?? null,
    model: r.model ?? null,
    requested_model: r.requestedModel,
    status: r.status,
    error_type: r.errorType ?? null,
    stream: r.stream ? 1 : 0,
    finish_reason: r.finishReason ?? null,
    input_tokens: r.usage?.prompt_tokens ?? null,
    output_tokens: r.usage?.completion_tokens ?? null,
    cached_tokens: r.usage?.prompt_tokens_details?.cached_tokens ?? null,
    cost_usd: r.costUsd ?? null,
    total_ms: r.timings.totalMs,
    upstream_ms: r.timings.upstreamMs ?? null,
    first_byte_ms: r.timings.firstByteMs ?? null,
    attempts: r.attempts.length,
    short_circuited: r.shortCircuited ? 1 : 0,
    client_aborted: r.clientAborted ? 1 : 0,
    prompt: body ? JSON.stringify(body.messages ?? (body as { input?: unknown }).input ?? null) : null,
    answer: typeof answer === 'string' ? answer : null,
    extra: extraOf(ctx),
  }
}

/** What other plugins reported about the request: guardrail findings (never the text) and the cache result. */
function extraOf(ctx: GatewayContext): string | null {
  const meta = ctx.meta as { guardrails?: { findings?: unknown[] }; cache?: unknown }
  const extra: Record<string, unknown> = {}
  if (meta.guardrails?.findings?.length) extra.guardrails = meta.guardrails.findings
  if (meta.cache) extra.cache = meta.cache
  return Object.keys(extra).length ? JSON.stringify(extra) : null
}
