import { timingSafeEqual } from 'node:crypto'
import { z } from 'zod'
import { definePlugin } from '@sluice/sdk'
import type { RequestRecord } from '@sluice/sdk'
import { BoundedLabel } from './labels.js'
import { createMetrics } from './metrics.js'
import type { Metrics } from './metrics.js'

export const optionsSchema = z
  .object({
    /** Where Prometheus scrapes. */
    path: z.string().startsWith('/').default('/metrics'),
    /** Require `Authorization: Bearer <token>` to scrape. */
    token: z.string().min(1).optional(),
    /** Metric name prefix. */
    prefix: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/).default('sluice_'),
    /** Node process metrics (CPU, memory, event-loop lag, GC). */
    defaultMetrics: z.boolean().default(true),
    /** Distinct `model` label values kept before later ones count as `other`. */
    maxModels: z.number().int().positive().default(200),
    /** Distinct budget ids (keys, teams, customers) with a remaining-budget series. */
    maxBudgets: z.number().int().positive().default(1000),
  })
  .strict()

declare module '@sluice/sdk' {
  interface SluiceMeta {
    /** Set by @sluice/prometheus when it counted the request in flight. */
    prometheusInFlight?: boolean
  }
}

/**
 * Prometheus metrics at `GET /metrics`: requests by route, provider, model, status and error type;
 * latency (total, upstream, gateway overhead, time to first token); tokens by type; retries and
 * fallbacks; requests in flight. Labels are bounded (see README). List it first so that its
 * in-flight gauge sees every request.
 *
 * @example
 * { "plugins": [["@sluice/prometheus", { "token": "${METRICS_TOKEN}" }], ["@sluice/provider-openai", { … }]] }
 */
export default definePlugin({
  name: '@sluice/prometheus',
  options: optionsSchema,
  // Metrics must never cost a request.
  failOpen: true,
  setup(options) {
    const metrics = createMetrics(options.prefix, options.defaultMetrics)
    const models = new BoundedLabel(options.maxModels)
    const providers = new BoundedLabel(100)
    const budgets = new BoundedLabel(options.maxBudgets)
    return {
      preAuth: {
        order: 'pre',
        handler(ctx) {
          ctx.meta.prometheusInFlight = true
          metrics.inFlight.inc()
        },
      },
      // After the other postLog hooks: a WASM plugin's postLog failure is reported there.
      postLog: {
        order: 'post',
        handler(ctx, record) {
          if (ctx.meta.prometheusInFlight) metrics.inFlight.dec()
          const model = models.value(record.model ?? record.requestedModel)
          observe(metrics, record, model, providers.value(record.provider))
          const cache = ctx.meta.cache
          if (cache) {
            metrics.cache.inc({ result: cache.result })
            if (cache.savedUsd) metrics.cacheSaved.inc(cache.savedUsd)
          }
          // Plugin names come from the config, hooks and kinds are fixed lists: bounded labels.
          for (const f of ctx.meta.pluginFailures ?? []) metrics.pluginFailures.inc({ plugin: f.plugin, hook: f.hook, kind: f.kind })
          for (const b of ctx.meta.budgets ?? []) {
            const id = budgets.value(`${b.level}:${b.id}`)
            // Past the cap, later budgets are not tracked at all (one 'other' series would mislead).
            if (id !== 'other') metrics.budget.set({ level: b.level, id: b.id }, b.remainingUsd)
          }
        },
      },
      routes: [
        {
          method: 'GET',
          path: options.path,
          async handler(request) {
            if (options.token && !authorized(request.headers.get('authorization'), options.token))
              return Response.json({ error: { message: 'A bearer token is required to read metrics', type: 'caller_unauthorized', code: null, param: null } }, { status: 401 })
            return new Response(await metrics.registry.metrics(), { headers: { 'content-type': metrics.registry.contentType } })
          },
        },
      ],
    }
  },
})

function observe(m: Metrics, r: RequestRecord, model: string, provider: string): void {
  m.requests.inc({ route: r.path, operation: r.operation, provider, model, status: String(r.status), error_type: r.errorType ?? 'none' })
  m.duration.observe({ operation: r.operation, provider, model, stream: String(r.stream) }, r.timings.totalMs / 1000)
  if (r.timings.upstreamMs !== undefined) {
    m.upstream.observe({ provider, model }, r.timings.upstreamMs / 1000)
    if (!r.stream) m.overhead.observe({ provider }, Math.max(0, r.timings.totalMs - r.timings.upstreamMs) / 1000)
  }
  if (r.stream && r.timings.firstByteMs !== undefined && r.status === 200) m.ttft.observe({ provider, model }, r.timings.firstByteMs / 1000)
  if (r.timings.interChunkMs !== undefined) m.interChunk.observe({ provider, model }, r.timings.interChunkMs / 1000)
  // Tokens an upstream processed: an early answer (a cache hit) carries the usage of the answer
  // it replays, which no upstream spent again (governance counts none for it either).
  const u = r.shortCircuited ? undefined : r.usage
  if (u) {
    m.tokens.inc({ provider, model, type: 'input' }, u.prompt_tokens ?? 0)
    m.tokens.inc({ provider, model, type: 'output' }, u.completion_tokens ?? 0)
    const cached = u.prompt_tokens_details?.cached_tokens
    if (cached) m.tokens.inc({ provider, model, type: 'cached' }, cached)
    const reasoning = u.completion_tokens_details?.reasoning_tokens
    if (reasoning) m.tokens.inc({ provider, model, type: 'reasoning' }, reasoning)
  }
  if (r.costUsd) m.cost.inc({ provider, model }, r.costUsd)
  if (r.attempts.length > 1) {
    m.retries.inc({ provider }, r.attempts.length - 1)
    const first = r.attempts[0].provider
    const last = r.attempts[r.attempts.length - 1].provider
    if (first !== last) m.fallbacks.inc({ from: first, to: last })
  }
}

function authorized(header: string | null, token: string): boolean {
  const given = Buffer.from(header?.replace(/^Bearer\s+/i, '') ?? '')
  const wanted = Buffer.from(token)
  return given.length === wanted.length && timingSafeEqual(given, wanted)
}
