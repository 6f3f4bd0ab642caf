import { z } from 'zod'
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, defaultTextMapGetter, defaultTextMapSetter, trace } from '@opentelemetry/api'
import type { Span, Tracer } from '@opentelemetry/api'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { definePlugin } from '@sluice/sdk'
import type { RequestRecord } from '@sluice/sdk'

export const optionsSchema = z
  .object({
    /** OTLP/HTTP traces endpoint. */
    endpoint: z.url().default('http://127.0.0.1:4318/v1/traces'),
    /** Headers for the collector (e.g. an API key: use `${ENV}`). */
    headers: z.record(z.string(), z.string()).default({}),
    serviceName: z.string().min(1).default('sluice'),
    /** Send `traceparent` upstream, so provider-side traces join the gateway's. */
    propagate: z.boolean().default(true),
    /** Longest wait for a batch export, ms. */
    exportTimeoutMs: z.number().int().positive().default(10_000),
  })
  .strict()

declare module '@sluice/sdk' {
  interface SluiceMeta {
    /** The request's span, for plugins that add their own attributes or children. */
    otelSpan?: Span
  }
}

const propagator = new W3CTraceContextPropagator()

/**
 * OpenTelemetry traces with the GenAI semantic conventions: one SERVER span per request
 * (`{operation} {model}`, `gen_ai.*` attributes: system, request and response model, token usage,
 * finish reasons), one CLIENT child span per upstream attempt; an incoming W3C `traceparent`
 * is honoured and sent on upstream; spans go out in batches over OTLP/HTTP, flushed on shutdown.
 *
 * @example
 * { "plugins": [["@sluice/otel", { "endpoint": "http://otel-collector:4318/v1/traces" }], ["@sluice/provider-openai", { … }]] }
 */
export default definePlugin({
  name: '@sluice/otel',
  options: optionsSchema,
  // Tracing must never cost a request.
  failOpen: true,
  setup(options) {
    const exporter = new OTLPTraceExporter({ url: options.endpoint, headers: options.headers, timeoutMillis: options.exportTimeoutMs })
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': options.serviceName }),
      spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000 })],
    })
    const tracer = provider.getTracer('@sluice/otel')
    return {
      preAuth: {
        order: 'pre',
        handler(ctx) {
          const parent = propagator.extract(ROOT_CONTEXT, ctx.request.headers, defaultTextMapGetter)
          const operation = ctx.request.operation === 'chat' ? 'chat' : 'embeddings'
          const span = tracer.startSpan(
            `${operation} ${ctx.request.model}`,
            {
              kind: SpanKind.SERVER,
              startTime: Date.now() - (performance.now() - ctx.startedAt),
              attributes: { 'gen_ai.operation.name': operation, 'gen_ai.request.model': ctx.request.model, 'http.route': ctx.request.path, 'sluice.request_id': ctx.id },
            },
            parent,
          )
          ctx.meta.otelSpan = span
          if (options.propagate) {
            const carrier: Record<string, string> = {}
            propagator.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, defaultTextMapSetter)
            for (const [name, value] of Object.entries(carrier)) ctx.setUpstreamHeader(name, value)
          }
        },
      },
      postLog(ctx, record) {
        const span = ctx.meta.otelSpan
        if (span) finish(tracer, span, record)
      },
      close: () => provider.shutdown(),
    }
  },
})

function finish(tracer: Tracer, span: Span, r: RequestRecord): void {
  const started = r.startedAt.getTime()
  if (r.provider) span.setAttribute('gen_ai.system', r.provider)
  if (r.model) span.setAttribute('gen_ai.response.model', r.model)
  if (r.usage) {
    span.setAttribute('gen_ai.usage.input_tokens', r.usage.prompt_tokens)
    span.setAttribute('gen_ai.usage.output_tokens', r.usage.completion_tokens)
  }
  if (r.finishReason) span.setAttribute('gen_ai.response.finish_reasons', [r.finishReason])
  span.setAttribute('http.response.status_code', r.status)
  span.setAttribute('sluice.stream', r.stream)
  span.setAttribute('sluice.attempts', r.attempts.length)
  if (r.errorType) {
    span.setAttribute('error.type', r.errorType)
    span.setStatus({ code: SpanStatusCode.ERROR, message: r.errorMessage })
  }
  const parent = trace.setSpan(ROOT_CONTEXT, span)
  for (const attempt of r.attempts) {
    const child = tracer.startSpan(
      `${r.operation} ${attempt.model}`,
      {
        kind: SpanKind.CLIENT,
        startTime: attempt.startedAt,
        attributes: { 'gen_ai.operation.name': r.operation, 'gen_ai.system': attempt.provider, 'gen_ai.request.model': attempt.model, 'sluice.key': attempt.key ?? 'none' },
      },
      parent,
    )
    if (attempt.status !== undefined) child.setAttribute('http.response.status_code', attempt.status)
    if (attempt.errorType) {
      child.setAttribute('error.type', attempt.errorType)
      child.setStatus({ code: SpanStatusCode.ERROR })
    }
    child.end(attempt.startedAt + (attempt.durationMs ?? 0))
  }
  span.end(started + r.timings.totalMs)
}
